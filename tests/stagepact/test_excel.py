"""The Excel sheet "stagepact" through `regio import/export` and the upload pages, with real .xlsx files."""
from __future__ import annotations

import io

import openpyxl
import pytest

from .conftest import HEADER, counts, regio, reports, row, xlsx


def test_import_stores_the_rows_and_reimport_changes_nothing(app, imported):
    result = imported([row(), row("01OE", received=5, handled=5, forwarded=1, matching=3, teams=10, measures=None)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "2 wijzigingen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd."
    stored = {r["org"]: r for r in reports(app)}
    assert stored["25LH"]["reports_received"] == 10 and stored["25LH"]["has_desk"] is True
    assert stored["01OE"]["measures"] is None
    before = counts(app)
    again = imported([row(), row("01OE", received=5, handled=5, forwarded=1, matching=3, teams=10, measures=None)])
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd."
    assert counts(app) == before


@pytest.mark.parametrize("values, expected", [
    (row(handled=11), "F2: meldingen afgehandeld (11) is groter dan meldingen ontvangen (10)"),
    (row(forwarded=12), "G2: doorgezet naar SBB (12) is groter dan meldingen ontvangen (10)"),
    (row(matching=21), "H2: teams met stagematching (21) is groter dan teams totaal (20)"),
    (row(received=-1, handled=0, forwarded=0), "E2: -1 is kleiner dan het minimum 0"),
    (row(teams=-2, matching=0), "I2: -2 is kleiner dan het minimum 0"),
    (row(received=None), "E2: Meldingen ontvangen is verplicht; de cel is leeg"),
    (row(desk="misschien"), "C2: "),
    (row(year="2019-2020"), "B2: "),
    (row(org="GM0344"), "A2: GM0344 (Gemeente Utrecht) is geen mbo-instelling"),
    (row(org="25LP"), "A2: 25LP (Zadkine) hoort niet bij regio Utrecht"),
    (row(measures="Kort; " + "y" * 151), "J2: maatregel 2 ('yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…') is langer dan 150 tekens"),
])
def test_each_rule_is_reported_with_its_cell_and_nothing_is_stored(app, imported, values, expected):
    before = counts(app)
    result = imported([row("01OE"), values])  # the bad row is row 3 of the sheet
    expected = expected.replace("2:", "3:", 1)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert any(line.startswith(expected) for line in errors), errors
    assert errors[-1].endswith("er is niets opgeslagen.")
    assert counts(app) == before


def test_editor_may_import_only_their_own_institution(app, users, tmp_path):
    path = tmp_path / "twee.xlsx"
    path.write_bytes(xlsx([row("25LH"), row("01OE")]))
    result = regio(app, "import", "stagepact", "stagepact", path, "--region", "rmc-19", "--as", users["roc"])
    assert result.exit_code == 1
    assert "A3: u mag geen stagepactrapportages invoeren voor 01OE (Yuverta)" in result.stderr
    assert reports(app) == []
    path.write_bytes(xlsx([row("25LH")]))
    ok = regio(app, "import", "stagepact", "stagepact", path, "--region", "rmc-19", "--as", users["roc"])
    assert ok.exit_code == 0, ok.output
    assert [r["org"] for r in reports(app)] == ["25LH"]


def test_export_round_trip_and_each_user_exports_only_what_they_may_see(app, users, imported, tmp_path):
    imported([row(), row("01OE", received=3, handled=1, forwarded=0, matching=0, teams=12, measures="Eigen aanpak")])
    out = tmp_path / "export.xlsx"
    result = regio(app, "export", "stagepact", "stagepact", "--region", "rmc-19", "--as", users["roc"], "-o", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:len(HEADER)] == HEADER and rows[0][len(HEADER)] == "Aandeel teams met stagematching (%)"
    data = [r for r in rows[1:] if any(v is not None for v in r)]
    assert len(data) == 1 and data[0][0] == "25LH"  # not Yuverta's row
    assert data[0][1:10] == ["2024-2025", "ja", "ja", 10, 8, 2, 6, 20,
                             "Meldpunt bekendgemaakt bij studenten; Training van stagebegeleiders"]
    assert float(data[0][10]) == 30.0  # computed, not typed
    # The export imports again unchanged.
    again = regio(app, "import", "stagepact", "stagepact", out, "--region", "rmc-19", "--as", users["roc"])
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 1 ongewijzigd."
    # The coordinator exports every institution of the region.
    regio(app, "export", "stagepact", "stagepact", "--region", "rmc-19", "--as", users["coordinator"], "-o", out)
    orgs = [r[0].value for r in openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=2) if r[0].value]
    assert orgs == ["01OE", "25LH"] or sorted(orgs) == ["01OE", "25LH"]
    # A gemeente in the region sees the totals on the page, but exports no institution's row.
    regio(app, "export", "stagepact", "stagepact", "--region", "rmc-19", "--as", users["gemeente"], "-o", out)
    assert [r[0].value for r in openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=2) if r[0].value] == []


def test_upload_through_the_web_preview_then_confirm(app, client_of):
    client = client_of("roc")
    url = "/regio/rmc-19/stagepact/excel/stagepact/"
    page = client.get(url).get_data(as_text=True)
    assert "Maatregelen" in page and "Teams met stagematching" in page
    response = client.post(url, data={"file": (io.BytesIO(xlsx([row(handled=30)])), "stagepact.xlsx")},
                           content_type="multipart/form-data")
    errors = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "meldingen afgehandeld (30) is groter dan meldingen ontvangen (10)" in errors and "F2" in errors
    assert reports(app) == []
    response = client.post(url, data={"file": (io.BytesIO(xlsx([row()])), "stagepact.xlsx")},
                           content_type="multipart/form-data")
    preview = response.headers["Location"]
    assert "ROC Midden Nederland" in client.get(preview).get_data(as_text=True)
    assert reports(app) == []  # nothing until confirmed
    assert client.post(preview + "bevestigen").status_code == 303
    assert [r["org"] for r in reports(app)] == ["25LH"]
