"""The region's published figures as a real .xlsx from the Excel engine (sheet "monitor-regio").

Small counts are the text "<5" in the number column Aantal, complementary
suppressed ones "afgeschermd", with the region totals: as on the page. The
file is for reading: it cannot be read in as if "<5" were a count. The
reporting organisation and platform admins still export unsuppressed figures
that import again unchanged.
"""
from __future__ import annotations

import io

import openpyxl

from .conftest import BASE, HEADER, XLSX, published_export, read_workbook, workbook
from .test_monitor import cli_export, cli_import
from .test_suppression import REPORTS

P = "2024-2025"


def test_the_published_export_is_an_engine_workbook_with_text_where_counts_are_suppressed(world):
    world.add_counts(REPORTS)
    data = published_export(world.client("coord"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["Monitor regio", "Toelichting"]
    ws = wb["Monitor regio"]
    assert [c.value for c in ws[1]] == HEADER and ws.freeze_panes == "A2"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows == [
        ["GM0310", "GM0310", P, "in beeld", "<5"],
        ["GM0344", "GM0344", P, "in beeld", 40],
        ["GM0344", "GM0344", P, "begeleid naar werk", 12],
        ["GM0355", "GM0355", P, "in beeld", "afgeschermd"],
        [None, "Totaal regio", P, "in beeld", 52],
        [None, "Totaal regio", P, "begeleid naar werk", 12],
    ]
    small, count = ws["E2"], ws["E3"]
    assert small.data_type == "s" and small.number_format == "General" and small.alignment.horizontal == "right"
    assert count.data_type == "n" and count.number_format == "0"
    explanation = " ".join(str(c.value) for row in wb["Toelichting"].iter_rows() for c in row if c.value)
    assert "Alleen om te lezen: dit bestand kan niet worden ingelezen" in explanation
    # The page links to it instead of the former CSV.
    page = world.client("coord").get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{BASE}/excel/monitor-regio/export.xlsx"' in page and "export.csv" not in page
    assert world.client("coord").get(f"{BASE}/export.csv").status_code == 404


def test_every_member_may_download_it_but_only_reporters_export_their_own_rows(world):
    world.add_counts(REPORTS)
    viewer = world.client("utrecht_viewer")
    assert viewer.get(f"{BASE}/excel/monitor-regio/export.xlsx").mimetype == XLSX
    assert viewer.get(f"{BASE}/excel/monitor/export.xlsx").status_code == 403
    sheet_page = viewer.get(f"{BASE}/excel/monitor-regio/").get_data(as_text=True)
    assert "Alleen om te lezen" in sheet_page and 'id="uploaden"' not in sheet_page
    assert 'id="uploaden"' not in world.client("coord").get(f"{BASE}/excel/monitor-regio/").get_data(as_text=True)


def test_the_suppressed_file_cannot_be_read_in(world, tmp_path):
    world.add_counts(REPORTS)
    before = world.counts()
    data = published_export(world.client("coord"))
    coord = world.client("coord")
    # On the sheet "monitor": the file says it belongs to another sheet.
    response = coord.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(data), "monitor-regio.xlsx")},
                          content_type="multipart/form-data")
    errors = coord.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dit bestand is een sjabloon voor een ander werkblad (&#39;monitor-regio&#39;)" in errors
    # On "monitor-regio" itself only platform admins may import, and they neither (see the next test).
    response = coord.post(f"{BASE}/excel/monitor-regio/", data={"file": (io.BytesIO(data), "monitor-regio.xlsx")},
                          content_type="multipart/form-data")
    assert response.status_code == 403
    # Its rows copied into a monitor workbook: every "<5" and "afgeschermd" cell is refused by name.
    rows = read_workbook(data)[1:]
    result = cli_import(world, tmp_path, workbook(rows), who="platform")
    assert result.exit_code == 1
    assert ("E2: '<5' is een afgeschermd aantal uit de gepubliceerde cijfers, geen aantal; een export van Monitor "
            "regio kan niet worden ingelezen. Vul het echte aantal in of laat de rij weg") in result.stderr
    assert "E5: 'afgeschermd' is een afgeschermd aantal uit de gepubliceerde cijfers" in result.stderr
    assert "B6: 'Totaal regio' is geen CBS-gemeentecode" in result.stderr
    assert world.counts() == before


def test_a_platform_admin_cannot_read_in_a_suppressed_export_either(world, tmp_path):
    world.add_counts(REPORTS)
    before = world.counts()
    path = tmp_path / "gepubliceerd.xlsx"
    path.write_bytes(published_export(world.client("coord")))
    result = world.cli("import", "kwetsbare_jongeren", "monitor-regio", path, "--region", "rmc-19",
                       "--as", world.email("platform"))
    assert result.exit_code == 1
    assert "E2: '<5' is een afgeschermd aantal uit de gepubliceerde cijfers" in result.stderr
    assert world.counts() == before


def test_platform_admin_and_reporting_organisation_round_trip_unsuppressed(world, tmp_path):
    world.add_counts(REPORTS)
    before = world.counts()
    # The platform admin's published export is the stored rows, unsuppressed, without totals.
    admin = read_workbook(published_export(world.client("platform")))
    assert sorted(tuple(r) for r in admin[1:]) == sorted(REPORTS)
    path = tmp_path / "gepubliceerd.xlsx"
    path.write_bytes(published_export(world.client("platform")))
    result = world.cli("import", "kwetsbare_jongeren", "monitor-regio", path, "--region", "rmc-19",
                       "--as", world.email("platform"))
    assert result.exit_code == 0, result.stderr
    assert "0 wijzigingen" in result.output
    # The sheet "monitor": platform admin (every row) and De Bilt (its own row, its 3 as it is).
    for who, expected in (("platform", REPORTS), ("debilt", [REPORTS[1]])):
        exported = cli_export(world, tmp_path, who)
        assert sorted(tuple(r) for r in read_workbook(exported)[1:]) == sorted(expected)
        again = cli_import(world, tmp_path, exported, who=who)
        assert again.exit_code == 0, again.stderr
        assert "0 wijzigingen" in again.output
    assert world.counts() == before
