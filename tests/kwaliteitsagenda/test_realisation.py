"""The yearly realisation per goal, by form and by Excel (the core's engine: template, all-or-nothing, preview)."""
from __future__ import annotations

import html
import io
from decimal import Decimal

import openpyxl
import pytest

from .conftest import BASE, SHEET_HEADER, counts, regio, stored, table, xlsx

SHEET = "kwaliteitsagenda-realisatie"


def test_the_form_stores_a_realisation_and_refuses_a_year_outside_the_period(app, client_of, agenda):
    roc = client_of("roc")
    ok = roc.post(f"{BASE}/agenda/{agenda}/realisatie", data={"goal": "K1", "year": "2024", "value": "8,75"})
    assert ok.status_code == 303
    [row] = stored(app, "Realisation")
    assert (row["goal_code"], row["year"], row["value"]) == ("K1", 2024, Decimal("8.75"))
    before = counts(app)
    bad = roc.post(f"{BASE}/agenda/{agenda}/realisatie", data={"goal": "K1", "year": "2031", "value": "8"})
    assert bad.status_code == 400
    assert "Jaar 2031 valt buiten de periode 2024-2027." in bad.get_data(as_text=True)
    words = roc.post(f"{BASE}/agenda/{agenda}/realisatie", data={"goal": "K1", "year": "2025", "value": "veel"})
    assert words.status_code == 400 and "is geen getal" in html.unescape(words.get_data(as_text=True))
    assert counts(app) == before


def test_the_excel_import_stores_every_row_or_none(app, users, agenda, tmp_path):
    path = tmp_path / "realisatie.xlsx"
    path.write_bytes(xlsx([["25LH", "2024-2027", "K1", 2024, 8.9, "Eerste jaar"],
                           ["25LH", "2024-2027", "K1", 2025, 8.4, None]]))
    result = regio(app, "import", "kwaliteitsagenda", SHEET, path, "--region", "rmc-19", "--as", users["roc"])
    assert result.exit_code == 0, result.output
    assert [(r["year"], r["value"]) for r in stored(app, "Realisation")] == [(2024, Decimal("8.90")),
                                                                             (2025, Decimal("8.40"))]


@pytest.mark.parametrize("bad, expected", [
    (["25LH", "2024-2027", "K1", 2031, 8], "D3: jaar 2031 valt buiten de periode 2024-2027"),
    (["25LH", "2024-2027", "K7", 2025, 8], "C3: doel K7 staat niet in de kwaliteitsagenda 2024-2027 van deze instelling"),
    (["25LH", "2030-2033", "K1", 2030, 8], "B3: periode 2030-2033 is geen periode van de kwaliteitsagenda's"),
    (["25LH", "2024-2027", "K1", 2025, "veel"], "E3: "),
    (["01OE", "2024-2027", "K1", 2025, 8], "A3: u mag geen realisaties invoeren voor 01OE"),
])
def test_each_bad_cell_is_named_and_nothing_is_stored(app, users, agenda, tmp_path, bad, expected):
    path = tmp_path / "realisatie.xlsx"
    path.write_bytes(xlsx([["25LH", "2024-2027", "K1", 2024, 8.9, None], bad]))
    before = counts(app)
    result = regio(app, "import", "kwaliteitsagenda", SHEET, path, "--region", "rmc-19", "--as", users["roc"])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert any(line.startswith(expected) for line in errors), errors
    assert errors[-1].endswith("er is niets opgeslagen.")
    assert counts(app) == before


def test_the_template_has_the_columns_and_the_web_upload_previews_first(app, client_of, agenda):
    roc = client_of("roc")
    url = f"{BASE}/excel/{SHEET}/"
    template = roc.get(f"{url}sjabloon.xlsx")
    if template.status_code == 404:  # the template's address is the core's; find it on the page
        import re
        link = re.search(r'href="([^"]+\.xlsx)"', roc.get(url).get_data(as_text=True)).group(1)
        template = roc.get(link)
    header = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0].iter_rows())]
    assert header[:len(SHEET_HEADER)] == SHEET_HEADER
    response = roc.post(url, data={"file": (io.BytesIO(xlsx([["25LH", "2024-2027", "K1", 2024, 9.1, None]])),
                                            "r.xlsx")}, content_type="multipart/form-data")
    preview = response.headers["Location"]
    assert "ROC Midden Nederland" in roc.get(preview).get_data(as_text=True)
    assert stored(app, "Realisation") == []  # nothing until confirmed
    assert roc.post(preview + "bevestigen").status_code == 303
    assert [r["value"] for r in stored(app, "Realisation")] == [Decimal("9.10")]
    shown = table(roc.get(f"{BASE}/agenda/{agenda}").get_data(as_text=True), "kwaliteitsagenda-doelen")
    assert "niet op koers" in shown[1]  # 9.1 above the richtpunt 9 of a goal to lower
