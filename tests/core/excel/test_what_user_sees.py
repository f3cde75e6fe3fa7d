"""Messages say what the user sees: formulas without a stored value, error values, municipality names, merged
cells, the sheet a header was looked for in."""
from __future__ import annotations

import io

import openpyxl
import pytest

from core.cli import main

from .conftest import EDITOR, HEADER, counts, greetings, openpyxl_file, row, run_import, upload
from .test_web import text_of


def workbook(rows, edit) -> bytes:
    """An openpyxl workbook of the hello sheet; `edit(ws)` changes it before saving."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Groeten"
    ws.append(HEADER)
    for values in rows:
        ws.append(values)
    edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messages(prepared) -> list[str]:
    return [str(p) for p in prepared.problems]


def test_a_formula_without_a_stored_value_is_named(app, editor):
    def edit(ws):
        ws["D2"] = "=SUM(X1:X3)"  # openpyxl writes the formula without a cached result, as many programs do
    before = counts(app)
    assert messages(run_import(app, workbook([row("Een")], edit))) == [
        "D2: formule zonder waarde; open het bestand in Excel en sla het op, of vul een waarde in"]
    assert counts(app) == before


@pytest.mark.parametrize("error", ["#REF!", "#N/A", "#DIV/0!", "#VALUE!"])
def test_an_error_value_is_named(app, editor, error):
    def edit(ws):
        ws["C2"] = error  # a required column
        ws["C2"].data_type = "e"
        ws["F3"] = error  # an optional column: not silently empty either
        ws["F3"].data_type = "e"
    before = counts(app)
    assert messages(run_import(app, workbook([row("Een"), row("Twee")], edit))) == [
        f"C2: foutwaarde {error}; herstel de formule of vul een waarde in",
        f"F3: foutwaarde {error}; herstel de formule of vul een waarde in"]
    assert counts(app) == before


def test_a_municipality_name_gets_its_cbs_code(app, editor):
    prepared = run_import(app, openpyxl_file([row("Een", municipality="Utrecht"), row("Twee", org="Utrecht"),
                                              row("Drie", municipality="Amsterdam"), row("Vier", municipality="Xyz")]))
    assert messages(prepared) == [
        "K2: 'Utrecht' is een gemeentenaam; gebruik de CBS-code (GM0344 voor Utrecht)",
        "A3: 'Utrecht' is een gemeentenaam; gebruik de CBS-code (GM0344 voor Utrecht)",
        "K4: 'Amsterdam' is een gemeentenaam; gebruik de CBS-code (GM0363 voor Amsterdam)",
        "K5: 'Xyz' is geen CBS-gemeentecode (zoals GM0344)",
    ]


def test_a_merged_cell_says_it_is_merged(app, editor):
    def edit(ws):
        ws.merge_cells("A2:A3")  # one organisation written over two rows
    before = counts(app)
    prepared = run_import(app, workbook([row("Een"), row("Twee")], edit))
    assert messages(prepared) == [
        "A3: de cel is samengevoegd met A2; maak het samenvoegen ongedaan en vul elke cel"]
    assert counts(app) == before


def test_a_header_not_found_names_the_sheet(app, editor):
    prepared = run_import(app, openpyxl_file([["x"]], ["Iets", "Anders"], title="Blad1"))
    assert messages(prepared)[0].startswith("A1: geen kopregel gevonden in werkblad 'Blad1'")


def test_web_errors_page_names_the_error_value(app, editor_client):
    def edit(ws):
        ws["D2"] = "#N/A"
        ws["D2"].data_type = "e"
    before = counts(app)
    response = upload(editor_client, workbook([row("Een")], edit))
    text = text_of(editor_client.get(response.headers["Location"]))
    assert "D2: foutwaarde #N/A; herstel de formule of vul een waarde in" in text
    assert counts(app) == before


def test_cli_names_the_formula_and_the_municipality_name(app, editor, tmp_path):
    def edit(ws):
        ws["E2"] = "=D2/2"
        ws["K3"] = "Utrecht"
    path = tmp_path / "formules.xlsx"
    path.write_bytes(workbook([row("Een"), row("Twee")], edit))
    before = counts(app)
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region",
                                                 "rmc-19", "--as", EDITOR])
    assert result.exit_code == 1
    assert "E2: formule zonder waarde" in result.stderr
    assert "K3: 'Utrecht' is een gemeentenaam; gebruik de CBS-code (GM0344 voor Utrecht)" in result.stderr
    assert counts(app) == before and greetings(app) == []
