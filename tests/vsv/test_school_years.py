"""School years are one closed set: the same years, spellings and message on the form, in the template, in the
web upload and in `regio import`; a locked year is refused for an editor and allowed for the region admin.

On 1 October 2026 (the clock fixture) the set of rmc-19 is 2021-2022 ... 2025-2026 (the window: five school years
up to the last one that has ended; the running 2026-2027 is not in it). rmc-29 sets first_school_year = 2019-2020
and only a default deadline: 2019-2020 and 2020-2021 are in its set but older than the window, so locked.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl

from core.testing import make_user

from .conftest import (BASE, RIJNMOND, UTRECHT, YEAR_MESSAGE, confirm, figures, org_id, regio, report, signed_in,
                       text_of, upload, workbook)

RIJNMOND_ADMIN = "admin.rijnmond@vsv.example"  # admin of MC29, the coordinator of rmc-29: its region admin
OLD_YEAR_LOCK = ("de cijfers van schooljaar 2020-2021 zijn vergrendeld: alleen de laatste 5 schooljaren staan open; "
                 "alleen de regiobeheerder kan ze nog wijzigen")


def test_the_form_offers_the_set_as_a_drop_down_and_accepts_the_import_s_spellings(users, clock):
    app = users
    client = signed_in(app, UTRECHT)
    html = client.get(f"{BASE}/cijfers/invoeren").get_data(as_text=True)
    select = re.search(r'<select[^>]* id="school_year"[^>]*>(.*?)</select>', html, re.S).group(1)
    offered = re.findall(r'value="([^"]*)"', select)
    assert offered == ["", "2025-2026", "2024-2025", "2023-2024", "2022-2023", "2021-2022"]
    figures_page = text_of(client.get(f"{BASE}/cijfers").get_data(as_text=True))
    assert "Cijfers kunnen worden ingevoerd voor de schooljaren 2021-2022 tot en met 2025-2026." in figures_page
    utrecht = org_id(app, "GM0344")
    assert report(client, "2024/2025", utrecht, "1000", "20").status_code == 303  # the import's spellings
    assert report(client, "23-24", utrecht, "900", "18").status_code == 303
    assert figures(app) == [("2023-2024", "GM0344", None, 900, 18), ("2024-2025", "GM0344", None, 1000, 20)]


def test_the_template_lists_the_same_set(users, clock):
    client = signed_in(users, UTRECHT)
    response = client.get(f"{BASE}/excel/vsv-cijfers/sjabloon.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    validation = next(v for v in sheet.data_validations.dataValidation if "A2" in str(v.sqref))
    assert validation.type == "list" and validation.errorStyle in (None, "stop")  # stop (the default): from the list
    lists = book[validation.formula1.split("!")[0].strip("='")]
    column = validation.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    years = [c.value for c in lists[column][1:] if c.value]
    assert years == ["2025-2026", "2024-2025", "2023-2024", "2022-2023", "2021-2022"]


def test_the_import_refuses_years_outside_the_set_with_the_form_s_one_message(users, clock, tmp_path):
    app = users
    path = tmp_path / "jaren.xlsx"
    path.write_bytes(workbook([["1999-2000", "GM0344", 10, 1], ["2026-2027", "GM0344", 10, 1],
                               ["24/25", "GM0344", 10, 1]]))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert result.exit_code == 1
    assert f"A2: {YEAR_MESSAGE % '1999-2000'}\n" in result.stderr
    assert f"A3: {YEAR_MESSAGE % '2026-2027'}\n" in result.stderr  # the running school year
    assert "A4" not in result.stderr  # 24/25 is 2024-2025
    assert "2 fouten" in result.stderr
    _location, page = upload(signed_in(app, UTRECHT), path.read_bytes())  # the web upload says the same
    assert YEAR_MESSAGE % "1999-2000" in text_of(page) and YEAR_MESSAGE % "2026-2027" in text_of(page)
    assert figures(app) == []
    # the same years by form: the same message, nothing written
    client = signed_in(app, UTRECHT)
    for year in ("1999-2000", "2026-2027"):
        response = report(client, year, org_id(app, "GM0344"), "10", "1")
        assert response.status_code == 400 and YEAR_MESSAGE % year in text_of(response.get_data(as_text=True))
    assert figures(app) == []
    # a spelling the set knows is stored in its one form
    path.write_bytes(workbook([["2024/2025", "GM0344", 10, 1], ["23-24", "GM0344", 12, 2]]))
    assert regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT).exit_code == 0
    assert figures(app) == [("2023-2024", "GM0344", None, 12, 2), ("2024-2025", "GM0344", None, 10, 1)]


def test_a_year_older_than_the_window_is_locked_for_an_editor_and_open_to_the_region_admin(users, clock, tmp_path):
    app = users
    make_user(app, RIJNMOND_ADMIN, org="MC29", role="admin")
    rotterdam = org_id(app, "GM0599")
    base = "/regio/rmc-29/vsv"
    editor = signed_in(app, RIJNMOND)
    html = editor.get(f"{base}/cijfers/invoeren").get_data(as_text=True)
    assert 'value="2019-2020"' in html and 'value="2018-2019"' not in html  # first_school_year
    # the form
    response = report(editor, "2020-2021", rotterdam, "800", "12", region="rmc-29")
    assert response.status_code == 400
    assert OLD_YEAR_LOCK[:1].upper() + OLD_YEAR_LOCK[1:] + "." in text_of(response.get_data(as_text=True))
    assert report(editor, "2021-2022", rotterdam, "800", "12", region="rmc-29").status_code == 303  # in the window
    # Excel: refused at the preview, on the web and on the command line
    data = workbook([["2020-2021", "GM0599", 800, 12]])
    location, page = upload(editor, data, region="rmc-29")
    assert "fouten" in location and f"A2: {OLD_YEAR_LOCK}" in text_of(page)
    path = tmp_path / "oud.xlsx"
    path.write_bytes(data)
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-29", "--as", RIJNMOND)
    assert result.exit_code == 1 and f"A2: {OLD_YEAR_LOCK}" in result.stderr
    assert figures(app) == [("2021-2022", "GM0599", None, 800, 12)]  # nothing written on any refusal
    # the region admin may: by form and by Excel
    admin = signed_in(app, RIJNMOND_ADMIN)
    assert report(admin, "2019-2020", rotterdam, "700", "10", region="rmc-29").status_code == 303
    location, _page = upload(admin, data, region="rmc-29")
    assert confirm(admin, location).status_code == 303
    assert figures(app) == [("2019-2020", "GM0599", None, 700, 10), ("2020-2021", "GM0599", None, 800, 12),
                            ("2021-2022", "GM0599", None, 800, 12)]


def test_a_year_that_leaves_the_window_between_preview_and_confirm_is_refused_at_confirm(users, clock):
    app = users
    clock(dt.date(2026, 7, 31))  # school year 2025-2026 still runs: the window is 2020-2021 ... 2024-2025
    editor = signed_in(app, RIJNMOND)
    location, preview = upload(editor, workbook([["2020-2021", "GM0599", 800, 12]]), region="rmc-29")
    assert "fouten" not in location and "2020-2021" in preview
    clock(dt.date(2026, 8, 1))  # a new school year: 2020-2021 is older than the window now
    response = confirm(editor, location)
    assert response.status_code == 409
    assert OLD_YEAR_LOCK in text_of(response.get_data(as_text=True))
    assert figures(app) == []


def test_an_export_with_a_stored_year_outside_the_set_reimports_unchanged_but_cannot_change_it(users, clock, tmp_path):
    """A figure stored before the set was closed (2018-2019, outside rmc-19's window): its export re-imports as
    unchanged; changing it is refused for an editor as a year older than the window."""
    from core.db import db_session
    from core.regions.models import Region
    from plugins.vsv.models import VsvFigure
    from sqlalchemy import select

    app = users
    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        session.add(VsvFigure(region_id=region.id, organisation_id=org_id(app, "GM0344"), school_year="2018-2019",
                              participants=900, new_leavers=30))
        session.commit()
    out = tmp_path / "export.xlsx"
    assert regio(app, "export", "vsv", "vsv-cijfers", "--region", "rmc-19", "--as", UTRECHT, "-o", out).exit_code == 0
    again = regio(app, "import", "vsv", "vsv-cijfers", out, "--region", "rmc-19", "--as", UTRECHT)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 1 ongewijzigd."
    book = openpyxl.load_workbook(out)
    book.worksheets[0]["E2"] = 31  # Nieuwe vsv'ers
    book.save(out)
    refused = regio(app, "import", "vsv", "vsv-cijfers", out, "--region", "rmc-19", "--as", UTRECHT)
    assert refused.exit_code == 1
    assert ("de cijfers van schooljaar 2018-2019 zijn vergrendeld: alleen de laatste 5 schooljaren staan open"
            in refused.stderr)
    assert figures(app) == [("2018-2019", "GM0344", None, 900, 30)]
