"""The sheet "vsv-cijfers" (with its optional Instelling column) through the core engine: web upload, CLI, export."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from core.testing import make_user

from .conftest import (BASE, COORD, DEBILT, HEADER_BRIN, UTRECHT, confirm, figures, regio, signed_in, text_of, upload,
                       workbook)


def test_import_by_excel_previews_then_writes_and_the_same_file_changes_nothing(users, clock, tmp_path):
    app = users
    client = signed_in(app, UTRECHT)
    data = workbook([["2024-2025", "GM0344", 1000, 20], ["2025-2026", "344", 1100, 25]])
    location, preview = upload(client, data)
    assert "2024-2025" in preview and "GM0344" in preview
    assert figures(app) == []  # the preview writes nothing
    assert confirm(client, location).status_code == 303
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20), ("2025-2026", "GM0344", None, 1100, 25)]
    path = tmp_path / "zelfde.xlsx"
    path.write_bytes(data)
    again = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd."


def test_every_sheet_rule_is_reported_with_its_cell_and_nothing_is_written(users, clock, tmp_path):
    app = users
    rows = [
        ["2024-2026", "GM0344", 10, 1],  # A2: not two consecutive years: the set's one message
        ["2025-2026", "GM0599", 10, 1],  # B3: Rotterdam is in another region
        ["2025-2026", "GM0310", 10, 1],  # B4: De Bilt is not the user's municipality
        ["2025-2026", "GM0344", "abc", 1],  # C5: not a whole number
        ["2024-2025", "GM0344", -3, 0],  # C6: negative
        ["2023-2024", "GM0344", 10, 12],  # D7: more new vsv'ers than participants
        ["2022-2023", "GM0344", 10.5, 1],  # C8: not whole
        ["2021-2022", "MC19", 10, 1],  # B9: the RMC is not a municipality
    ]
    path = tmp_path / "fout.xlsx"
    path.write_bytes(workbook(rows))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 1
    errors = result.stderr
    expected = [
        "A2: '2024-2026' is geen schooljaar dat u kunt invullen: kies een schooljaar van 2021-2022 tot en met "
        "2025-2026",
        "B3: GM0599 (Gemeente Rotterdam) hoort niet bij regio Utrecht",
        "B4: u mag geen cijfers invoeren voor GM0310 (Gemeente De Bilt)",
        "C5: 'abc' is geen geheel getal",
        "C6: ",
        "D7: nieuwe vsv'ers (12) is groter dan deelnemers (10)",
        "C8: '10,5' is geen geheel getal",
        "B9: MC19 (RMC Utrecht) is geen gemeente",
    ]
    for line in expected:
        assert line in errors, (line, errors)
    assert "er is niets opgeslagen" in errors
    assert figures(app) == []
    # the same through the web: the error page lists the cells
    client = signed_in(app, UTRECHT)
    location, page = upload(client, path.read_bytes())
    assert "fouten" in location
    for cell in ("A2", "B3", "B4", "C5", "C6", "D7", "C8", "B9"):
        assert cell in page
    assert figures(app) == []


def test_excel_import_is_locked_after_the_deadline_but_unchanged_rows_pass(users, clock, tmp_path):
    app = users
    path = tmp_path / "cijfers.xlsx"
    path.write_bytes(workbook([["2024-2025", "GM0344", 1000, 20]]))
    assert regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT).exit_code == 0
    clock(dt.date(2026, 11, 2))
    assert regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19",
                 "--as", UTRECHT).exit_code == 0  # unchanged: fine
    path.write_bytes(workbook([["2024-2025", "GM0344", 1000, 21]]))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 1
    assert ("A2: de cijfers van schooljaar 2024-2025 zijn vergrendeld sinds de deadline van 1 november 2026; "
            "alleen de regiobeheerder kan ze nog wijzigen") in result.stderr
    client = signed_in(app, UTRECHT)  # the web upload says the same
    _location, page = upload(client, path.read_bytes())
    assert "vergrendeld" in text_of(page)
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20)]


def test_export_shows_each_user_what_they_may_see_and_reimport_changes_nothing(users, clock, tmp_path):
    app = users
    for email, code in ((UTRECHT, "GM0344"), (DEBILT, "GM0310")):
        path = tmp_path / f"{code}.xlsx"
        path.write_bytes(workbook([["2025-2026", code, None, 800, 16], ["2024-2025", code, "", 780, 18],
                                   ["2025-2026", code, "25LH", 300, 9]], header=HEADER_BRIN))
        assert regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", email).exit_code == 0

    def exported(email):
        out = tmp_path / f"export-{email}.xlsx"
        result = regio(app, "export", "vsv", "vsv-cijfers", "--region", "rmc-19", "--as", email, "-o", out)
        assert result.exit_code == 0, result.output
        ws = openpyxl.load_workbook(out).worksheets[0]
        return out, [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_col=6) if row[0].value]

    out, rows = exported(COORD)  # the region's admin exports every municipality
    assert rows[0] == ["Schooljaar", "Gemeente", "Instelling", "Deelnemers", "Nieuwe vsv'ers", "Percentage vsv"]
    assert sorted((r[:5] for r in rows[1:]), key=str) == sorted([
        ["2024-2025", "GM0310", None, 780, 18], ["2024-2025", "GM0344", None, 780, 18],
        ["2025-2026", "GM0310", None, 800, 16], ["2025-2026", "GM0344", None, 800, 16],
        ["2025-2026", "GM0310", "25LH", 300, 9], ["2025-2026", "GM0344", "25LH", 300, 9]], key=str)
    assert {float(r[5]) for r in rows[1:]} == {2.0, 2.31, 3.0}  # computed percentage, 2 decimals
    _out, own = exported(UTRECHT)  # a municipality exports its own
    assert {r[1] for r in own[1:]} == {"GM0344"}
    before = figures(app)
    assert len(before) == 6
    for email, export in ((DEBILT, exported(DEBILT)[0]), (COORD, out)):  # export, then import: nothing changes
        again = regio(app, "import", "vsv", "vsv-cijfers", export, "--region", "rmc-19", "--as", email)
        assert again.exit_code == 0, again.output
        unchanged = 3 if email == DEBILT else 6
        assert again.stdout.splitlines()[0] == f"0 wijzigingen: 0 nieuw, 0 gewijzigd, {unchanged} ongewijzigd."
        assert figures(app) == before
    # the web export link works for a municipality too
    response = signed_in(app, UTRECHT).get(f"{BASE}/excel/vsv-cijfers/export.xlsx")
    assert response.status_code == 200


def test_one_sheet_with_an_optional_institution_column_matches_empty_cells_as_the_municipality(users, clock, tmp_path):
    app = users
    path = tmp_path / "cijfers.xlsx"
    rows = [["2025-2026", "GM0344", None, 1200, 30],  # the municipality's own figures
            ["2025-2026", "GM0344", "25LH", 300, 9],  # the same municipality and year at ROC Midden Nederland
            ["2025-2026", "GM0344", "01oe", 100, 2]]  # Yuverta, written in lower case
    path.write_bytes(workbook(rows, header=HEADER_BRIN))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "3 wijzigingen: 3 nieuw, 0 gewijzigd, 0 ongewijzigd."
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 30), ("2025-2026", "GM0344", "01OE", 100, 2),
                            ("2025-2026", "GM0344", "25LH", 300, 9)]
    # the same file again: the empty cell finds the stored NULL, so nothing is added
    again = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 3 ongewijzigd.", again.output
    # a file without the Instelling column changes the municipality's own figures only (web: preview, confirm)
    client = signed_in(app, UTRECHT)
    location, preview = upload(client, workbook([["2025-2026", "GM0344", 1200, 28]]))
    assert "1 gewijzigd" in text_of(preview) or "gewijzigd" in text_of(preview)
    assert confirm(client, location).status_code == 303
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 28), ("2025-2026", "GM0344", "01OE", 100, 2),
                            ("2025-2026", "GM0344", "25LH", 300, 9)]
    # the figures page lists the institution rows under their own heading, with the institution's name
    page = text_of(client.get(f"{BASE}/cijfers").get_data(as_text=True))
    assert "2025-2026 Gemeente Utrecht ROC Midden Nederland (25LH) 300 9 3,00%" in page


def test_institution_cells_are_checked_and_duplicates_include_empty_institutions(users, clock, tmp_path):
    app = users
    rows = [["2025-2026", "GM0344", "XXXX", 3, 1],  # C2: not a BRIN code
            ["2025-2026", "GM0344", "99ZZ", 3, 1],  # C3: no such institution
            ["2025-2026", "GM0344", None, 10, 1],
            ["2025-2026", "GM0344", "", 10, 1],  # A5: the municipality's own figures twice
            ["2025-2026", "GM0344", "25LH", 10, 1],
            ["2025-2026", "GM0344", "25lh", 10, 1]]  # A7: the same institution twice
    path = tmp_path / "fout.xlsx"
    path.write_bytes(workbook(rows, header=HEADER_BRIN))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 1
    for line in ("C2: 'XXXX' is geen BRIN-code (zoals 25LP)", "C3: BRIN 99ZZ is geen bekende mbo-instelling",
                 "A5: dubbele rij: dezelfde Schooljaar, Gemeente, Instelling als rij 4",
                 "A7: dubbele rij: dezelfde Schooljaar, Gemeente, Instelling als rij 6"):
        assert line in result.stderr, (line, result.stderr)
    assert "A4:" not in result.stderr and "A6:" not in result.stderr  # an empty and a filled one differ
    assert figures(app) == []


def test_a_filled_institution_cell_is_refused_where_the_region_does_not_report_per_institution(users, clock, tmp_path):
    app = users
    from .conftest import RIJNMOND

    path = tmp_path / "rijnmond.xlsx"
    path.write_bytes(workbook([["2025-2026", "GM0599", None, 1000, 20], ["2025-2026", "GM0599", "25LP", 300, 9]],
                              header=HEADER_BRIN))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-29", "--as", RIJNMOND)
    assert result.exit_code == 1
    assert ("C3: regio Rijnmond rapporteert niet per instelling; laat de kolom Instelling leeg "
            "(de cijfers gelden dan voor de hele gemeente)") in result.stderr
    assert "C2" not in result.stderr  # an empty cell is fine
    assert figures(app) == []
    client = signed_in(app, RIJNMOND)  # the web upload marks the same cell
    _location, page = upload(client, path.read_bytes(), region="rmc-29")
    assert "C3" in page and "rapporteert niet per instelling" in text_of(page)
    assert figures(app) == []
    path.write_bytes(workbook([["2025-2026", "GM0599", None, 1000, 20]], header=HEADER_BRIN))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-29", "--as", RIJNMOND)
    assert result.exit_code == 0, result.output
    assert figures(app) == [("2025-2026", "GM0599", None, 1000, 20)]


def _move_deadline(app_factory, tmp_path, line: str):
    """The deployer moves rmc-19's deadlines (regions/rmc-19.toml) and syncs."""
    import shutil

    from .conftest import FIXTURE_REGIONS

    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions, dirs_exist_ok=True)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace('deadlines = { "2024-2025" = 2026-11-01 }', line))
    app2 = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
    assert regio(app2, "regions", "sync").exit_code == 0


def test_a_deadline_that_passes_between_preview_and_confirm_refuses_the_confirm(users, clock, tmp_path, app_factory):
    app = users
    assert regio(app, "import", "vsv", "vsv-cijfers", _file(tmp_path, [["2024-2025", "GM0344", None, 1000, 20]]),
                 "--region", "rmc-19", "--as", UTRECHT).exit_code == 0
    client = signed_in(app, UTRECHT)
    data = workbook([["2024-2025", "GM0344", None, 1000, 25],  # changed
                     ["2024-2025", "GM0344", "25LH", 300, 9],  # new
                     ["2025-2026", "GM0344", None, 900, 9]], header=HEADER_BRIN)  # 2025-2026: still open
    location, preview = upload(client, data)
    assert "/fouten" not in location and "2024-2025" in preview  # the preview is allowed: before 1-11-2026
    _move_deadline(app_factory, tmp_path, 'deadlines = { "2024-2025" = 2026-09-30 }')  # today is 1-10-2026
    response = confirm(client, location)
    assert response.status_code == 409
    message = text_of(response.get_data(as_text=True))
    assert "Er is niets opgeslagen" in message
    assert ("Rij 2 (2024-2025, GM0344 (Gemeente Utrecht)): de cijfers van schooljaar 2024-2025 zijn vergrendeld "
            "sinds de deadline van 30 september 2026; alleen de regiobeheerder kan ze nog wijzigen.") in message
    assert "Rij 3 (2024-2025, GM0344 (Gemeente Utrecht), 25LH): de cijfers van schooljaar 2024-2025" in message
    assert "Rij 4" not in message
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20)]  # nothing written, not even row 4
    assert confirm(client, location).status_code == 409  # and it stays refused
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20)]
    # the region's admin may still confirm the same upload after the deadline
    coordinator = signed_in(app, COORD)
    location, _preview = upload(coordinator, data)
    _move_deadline(app_factory, tmp_path, 'deadlines = { "2024-2025" = 2026-09-29 }')
    assert confirm(coordinator, location).status_code == 303
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 25), ("2024-2025", "GM0344", "25LH", 300, 9),
                            ("2025-2026", "GM0344", None, 900, 9)]


def _file(tmp_path, rows):
    path = tmp_path / "eerst.xlsx"
    path.write_bytes(workbook(rows, header=HEADER_BRIN))
    return path


def test_the_vsv_sheet_declares_its_optional_institution_key_correctly(app):
    # Moved from tests/core/excel/test_optional_key.py (issue 16: the core's tests name no instrument).
    (spec,) = app.extensions["regioplatform"].entries["vsv"].sheets
    assert spec.natural_key == ("school_year", "organisation_id", "brin") and not spec.column("brin").required
    assert spec.problems() == []


def test_whoever_may_import_a_row_may_export_it(users, clock, tmp_path):
    """An editor of the RMC (not the region's admin) may import rows for every municipality of the region:
    the export right after holds them, and imported again it changes nothing."""
    app = users
    make_user(app, "rmc-invoer@vsv.example", org="MC19", role="editor")
    path = tmp_path / "regio.xlsx"
    path.write_bytes(workbook([["2025-2026", "GM0344", 800, 16], ["2025-2026", "GM0310", 780, 18]]))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", "rmc-invoer@vsv.example")
    assert result.exit_code == 0 and "2 nieuw" in result.output, result.output
    out = tmp_path / "export.xlsx"
    result = regio(app, "export", "vsv", "vsv-cijfers", "--region", "rmc-19", "--as", "rmc-invoer@vsv.example",
                   "-o", out)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_col=5) if row[0].value]
    assert sorted(r[1] for r in rows) == ["GM0310", "GM0344"]
    # through the web as well, and the export imported again changes nothing
    client = signed_in(app, "rmc-invoer@vsv.example")
    response = client.get(f"{BASE}/excel/vsv-cijfers/export.xlsx")
    assert response.status_code == 200
    web_rows = [[c.value for c in row] for row in
                openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(min_row=2, max_col=5)
                if row[0].value]
    assert sorted(r[1] for r in web_rows) == ["GM0310", "GM0344"]
    again = regio(app, "import", "vsv", "vsv-cijfers", out, "--region", "rmc-19", "--as", "rmc-invoer@vsv.example")
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd.", again.output
    # a municipality's editor still exports only its own rows
    mine = tmp_path / "utrecht.xlsx"
    assert regio(app, "export", "vsv", "vsv-cijfers", "--region", "rmc-19", "--as", UTRECHT, "-o", mine).exit_code == 0
    own = [r[1].value for r in openpyxl.load_workbook(mine).worksheets[0].iter_rows(min_row=2) if r[0].value]
    assert own == ["GM0344"]
