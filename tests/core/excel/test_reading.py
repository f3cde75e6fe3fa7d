"""Real files from openpyxl, xlsxwriter and LibreOffice: what people really upload is read correctly."""
from __future__ import annotations

import datetime as dt
import decimal
import io

import openpyxl
import pytest
from openpyxl.styles import Font

from .conftest import (FIXTURES, HEADER, greetings, messages, openpyxl_file, row, run_import,
                       xlsxwriter_file)

D = decimal.Decimal
WRITERS = {
    "openpyxl": openpyxl_file,
    "xlsxwriter-shared-strings": lambda rows, header=HEADER: xlsxwriter_file(rows, header),
    "xlsxwriter-inline-strings": lambda rows, header=HEADER: xlsxwriter_file(rows, header, shared_strings=False),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_valid_sheet_is_stored_with_typed_values(app, editor, writer):
    data = WRITERS[writer]([row("Hallo"), row("Dag", sent=7, answered=None, budget=0.1, public="nee",
                                                  mood=None, brin=None, municipality="GM0356")])
    prepared = run_import(app, data)
    assert messages(prepared) == []
    assert (len(prepared.diff.new), len(prepared.diff.changed), prepared.diff.unchanged) == (2, 0, 0)
    dag, hallo = greetings(app)
    assert hallo["school_year"] == "2024-2025" and hallo["sent"] == 10 and hallo["answered"] == 5
    assert hallo["budget"] == D("12.50") and isinstance(hallo["budget"], D)
    assert hallo["sent_on"] == dt.date(2024, 9, 1) and hallo["public"] is True
    assert (hallo["mood"], hallo["brin"], hallo["municipality"]) == ("blij", "25LH", "GM0344")
    assert dag["answered"] is None and dag["budget"] == D("0.10") and dag["public"] is False
    assert dag["mood"] is None and dag["municipality"] == "GM0356"


def test_header_variations_case_spaces_accents_order_and_title_rows(app, editor):
    header = ["  organisátie ", "SCHOOL-JAAR", "groet", "Verstuurd op", "verstuurd", "BRIN", "Budget"]
    rows = [["GM0344", "2024-2025", "Hallo", dt.date(2024, 9, 1), 10, "25LH", 3]]
    data = openpyxl_file(rows, header, before=[["Groeten in regio Utrecht"], []])
    prepared = run_import(app, data)
    assert messages(prepared) == []
    (stored,) = greetings(app)
    assert (stored["sent"], stored["sent_on"], stored["budget"]) == (10, dt.date(2024, 9, 1), D("3.00"))
    assert stored["answered"] is None  # optional column not in the file


def test_bold_merged_title_above_a_bold_header(app, editor):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Mijn groeten"  # not the declared title: the first visible sheet is taken
    ws["A1"] = "Overzicht"
    ws.merge_cells("A1:K1")
    ws["A1"].font = Font(bold=True)
    for c, text in enumerate(HEADER, start=1):
        ws.cell(row=2, column=c, value=text).font = Font(bold=True)
    ws.append(row())
    out = io.BytesIO()
    wb.save(out)
    prepared = run_import(app, out.getvalue())
    assert messages(prepared) == []
    assert len(greetings(app)) == 1


def test_numbers_and_dates_stored_as_text_are_accepted(app, editor):
    rows = [["GM0344", "2024-2025", "Tekst", " 1.640 ", "12", "1.234,56", "01-09-2024", "WAAR", "Neutraal",
             "25lh", "344"],
            ["GM0344", "2024/2025", "Iso", "7", "0", "99.5", "2024-09-02", "0", "SOMBER", "30RN", "gm0356"]]
    prepared = run_import(app, openpyxl_file(rows))
    assert messages(prepared) == []
    iso, text = greetings(app)
    assert (text["sent"], text["answered"], text["budget"], text["sent_on"]) == (1640, 12, D("1234.56"),
                                                                                  dt.date(2024, 9, 1))
    assert (text["public"], text["mood"], text["brin"], text["municipality"]) == (True, "neutraal", "25LH", "GM0344")
    assert (iso["school_year"], iso["budget"], iso["sent_on"], iso["public"]) == ("2024-2025", D("99.50"),
                                                                                  dt.date(2024, 9, 2), False)
    assert (iso["mood"], iso["municipality"]) == ("somber", "GM0356")


def test_dates_as_serial_numbers_and_numbers_as_floats(app, editor):
    serial = (dt.date(2024, 9, 1) - dt.date(1899, 12, 30)).days
    rows = [["GM0344", "2024-2025", "Serieel", 10.0, 2.0, 0.1 + 0.2, serial, 1, "blij", None, None]]
    prepared = run_import(app, xlsxwriter_file(rows))
    assert messages(prepared) == []
    (stored,) = greetings(app)
    assert (stored["sent"], stored["budget"], stored["sent_on"], stored["public"]) == (
        10, D("0.30"), dt.date(2024, 9, 1), True)


def test_empty_rows_and_trailing_empty_rows_and_columns_are_skipped(app, editor):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(row("Een"))
    ws.append([])
    ws.append([None, "  ", None])  # only spaces: empty
    ws.append(row("Twee"))
    for r in range(6, 40):
        ws.cell(row=r, column=1).font = Font(bold=True)  # styled but empty cells, as Excel leaves them
    ws.cell(row=2, column=20).font = Font(italic=True)
    out = io.BytesIO()
    wb.save(out)
    prepared = run_import(app, out.getvalue())
    assert messages(prepared) == []
    assert [g["text"] for g in greetings(app)] == ["Een", "Twee"]


def test_data_that_does_not_start_in_a1(app, editor):
    data = openpyxl_file([row()], start_col=3, before=[[], []])
    prepared = run_import(app, data)
    assert messages(prepared) == []
    bad = openpyxl_file([row(sent="x")], start_col=3, before=[[], []])
    assert messages(run_import(app, bad)) == ["F4: 'x' is geen geheel getal"]  # Verstuurd is the 4th column: C+3


def test_the_declared_sheet_is_found_among_others(app, editor):
    wb = openpyxl.Workbook()
    wb.active.title = "Voorblad"
    wb.active["A1"] = "Lees mij"
    ws = wb.create_sheet("groeten")  # matched on the declared title, whatever the case
    ws.append(HEADER)
    ws.append(row())
    out = io.BytesIO()
    wb.save(out)
    assert messages(run_import(app, out.getvalue())) == []


def test_libreoffice_saved_workbook_with_title_row_and_text_numbers(app, editor):
    data = (FIXTURES / "libreoffice_messy.xlsx").read_bytes()
    prepared = run_import(app, data)
    assert messages(prepared) == []
    by_text = {g["text"]: g for g in greetings(app)}
    assert set(by_text) == {"Goedemorgen", "Goedemiddag", "Goedenavond"}
    assert by_text["Goedemorgen"]["sent_on"] == dt.date(2024, 9, 2)
    assert by_text["Goedemorgen"]["budget"] == D("1234.50")
    assert (by_text["Goedemiddag"]["sent"], by_text["Goedemiddag"]["budget"]) == (640, D("99.95"))
    assert by_text["Goedemiddag"]["sent_on"] == dt.date(2024, 9, 3)
    assert by_text["Goedenavond"]["school_year"] == "2023-2024"


def test_libreoffice_saved_template_keeps_its_version_and_imports(app, editor):
    from core.excel.reader import open_workbook, _read_marker

    data = (FIXTURES / "libreoffice_template.xlsx").read_bytes()
    marker = _read_marker(open_workbook(data))
    assert (marker.instrument, marker.sheet, marker.version) == ("hello", "hello-groeten", 1)
    prepared = run_import(app, data)
    assert messages(prepared) == []
    assert [g["text"] for g in greetings(app)] == ["Nog een", "Uit het sjabloon"]
