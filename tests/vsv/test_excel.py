"""The sheets "vsv-cijfers" and "vsv-cijfers-instelling" through the core engine: web upload, CLI, export."""
from __future__ import annotations

import datetime as dt

import openpyxl

from .conftest import (BASE, COORD, DEBILT, UTRECHT, confirm, figures, regio, signed_in, text_of, upload, workbook)


def test_import_by_excel_previews_then_writes_and_the_same_file_changes_nothing(users, clock, tmp_path):
    app = users
    client = signed_in(app, UTRECHT)
    data = workbook([["2024-2025", "GM0344", 1000, 20], ["2025-2026", "344", 1100, 25]])
    location, preview = upload(client, data)
    assert "2024-2025" in preview and "GM0344" in preview
    assert figures(app) == []  # the preview writes nothing
    assert confirm(client, location).status_code == 303
    assert figures(app) == [("2024-2025", "GM0344", 1000, 20), ("2025-2026", "GM0344", 1100, 25)]
    path = tmp_path / "zelfde.xlsx"
    path.write_bytes(data)
    again = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd."


def test_every_sheet_rule_is_reported_with_its_cell_and_nothing_is_written(users, clock, tmp_path):
    app = users
    rows = [
        ["2024-2026", "GM0344", 10, 1],  # A2: not two consecutive years
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
        "A2: '2024-2026' is geen schooljaar (zoals 2024-2025)",
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
    clock(dt.date(2025, 11, 2))
    assert regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19",
                 "--as", UTRECHT).exit_code == 0  # unchanged: fine
    path.write_bytes(workbook([["2024-2025", "GM0344", 1000, 21]]))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 1
    assert ("A2: de cijfers van schooljaar 2024-2025 zijn vergrendeld sinds de deadline van 01-11-2025; "
            "alleen de regiobeheerder kan ze nog wijzigen") in result.stderr
    client = signed_in(app, UTRECHT)  # the web upload says the same
    _location, page = upload(client, path.read_bytes())
    assert "vergrendeld" in text_of(page)
    assert figures(app) == [("2024-2025", "GM0344", 1000, 20)]


def test_export_shows_each_user_what_they_may_see_and_reimport_changes_nothing(users, clock, tmp_path):
    app = users
    for email, code in ((UTRECHT, "GM0344"), (DEBILT, "GM0310")):
        path = tmp_path / f"{code}.xlsx"
        path.write_bytes(workbook([["2025-2026", code, 800, 16], ["2024-2025", code, 780, 18]]))
        assert regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", email).exit_code == 0

    def exported(email):
        out = tmp_path / f"export-{email}.xlsx"
        result = regio(app, "export", "vsv", "vsv-cijfers", "--region", "rmc-19", "--as", email, "-o", out)
        assert result.exit_code == 0, result.output
        ws = openpyxl.load_workbook(out).worksheets[0]
        return out, [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_col=5) if row[0].value]

    out, rows = exported(COORD)  # the region's admin exports every municipality
    assert rows[0] == ["Schooljaar", "Gemeente", "Deelnemers", "Nieuwe vsv'ers", "Percentage vsv"]
    assert sorted(r[:4] for r in rows[1:]) == [["2024-2025", "GM0310", 780, 18], ["2024-2025", "GM0344", 780, 18],
                                               ["2025-2026", "GM0310", 800, 16], ["2025-2026", "GM0344", 800, 16]]
    assert {float(r[4]) for r in rows[1:]} == {2.0, 2.31}  # computed percentage, 2 decimals
    _out, own = exported(UTRECHT)  # a municipality exports its own
    assert {r[1] for r in own[1:]} == {"GM0344"}
    before = figures(app)
    _o, mine = exported(DEBILT)
    again = regio(app, "import", "vsv", "vsv-cijfers", _o, "--region", "rmc-19", "--as", DEBILT)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd."
    assert figures(app) == before
    # the web export link works for a municipality too
    response = signed_in(app, UTRECHT).get(f"{BASE}/excel/vsv-cijfers/export.xlsx")
    assert response.status_code == 200


def test_institution_sheet_only_where_the_region_reports_per_institution(users, clock, tmp_path):
    app = users
    header = ["Schooljaar", "Gemeente", "Instelling", "Deelnemers", "Nieuwe vsv'ers"]
    path = tmp_path / "instelling.xlsx"
    path.write_bytes(workbook([["2025-2026", "GM0344", "25LH", 300, 9], ["2025-2026", "GM0344", "XXXX", 3, 1]],
                              header=header, title="Vsv-cijfers per instelling"))
    result = regio(app, "import", "vsv", "vsv-cijfers-instelling", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 1 and "C3: " in result.stderr  # an unknown BRIN
    path.write_bytes(workbook([["2025-2026", "GM0344", "25LH", 300, 9]], header=header,
                              title="Vsv-cijfers per instelling"))
    result = regio(app, "import", "vsv", "vsv-cijfers-instelling", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 0, result.output
    assert figures(app, "VsvInstitutionFigure") == [("2025-2026", "GM0344", "25LH", 300, 9)]
    # Rijnmond has institution_reporting off
    from .conftest import RIJNMOND
    path.write_bytes(workbook([["2025-2026", "GM0599", "25LH", 300, 9]], header=header,
                              title="Vsv-cijfers per instelling"))
    result = regio(app, "import", "vsv", "vsv-cijfers-instelling", path, "--region", "rmc-29", "--as", RIJNMOND)
    assert result.exit_code == 1
    assert "C2: regio Rijnmond rapporteert niet per instelling" in result.stderr
