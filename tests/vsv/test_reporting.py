"""Reporting figures by form: validation in Dutch, the deadline lock, who may read and write what."""
from __future__ import annotations

import datetime as dt

from .conftest import (BASE, COORD, DEBILT, RIJNMOND, UTRECHT, VIEWER, YEAR_MESSAGE, edit, figures, org_id, replace,
                       report, signed_in, text_of)


def test_editor_reports_by_form_and_sees_the_computed_percentage(users, clock):
    app = users
    client = signed_in(app, UTRECHT)
    form = client.get(f"{BASE}/cijfers/invoeren")
    assert form.status_code == 200
    assert "De Bilt" not in form.get_data(as_text=True)  # only their own municipality is offered
    response = report(client, "2025-2026", org_id(app, "GM0344"), "1200", "30")
    assert response.status_code == 303
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 30)]
    page = text_of(client.get(f"{BASE}/cijfers").get_data(as_text=True))
    assert "2025-2026 Gemeente Utrecht (GM0344) 1.200 30 2,50%" in page
    # the same key again shows the stored figure first (never overwritten unseen); saving again updates it
    shown = report(client, "2025-2026", org_id(app, "GM0344"), "1200", "24")
    assert shown.status_code == 409
    assert "Deelnemers 1.200 Nieuwe vsv'ers 30" in text_of(shown.get_data(as_text=True))
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 30)]
    assert replace(client, "2025-2026", org_id(app, "GM0344"), "1200", "24").status_code == 303
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 24)]


def test_every_form_rule_has_a_dutch_message_at_its_field_and_writes_nothing(users, clock):
    app = users
    client = signed_in(app, UTRECHT)
    utrecht = org_id(app, "GM0344")
    cases = [
        (("2024-2026", utrecht, "10", "1"), "school_year", YEAR_MESSAGE % "2024-2026"),
        (("1999-2000", utrecht, "10", "1"), "school_year", YEAR_MESSAGE % "1999-2000"),
        (("2026-2027", utrecht, "10", "1"), "school_year", YEAR_MESSAGE % "2026-2027"),  # still running
        (("", utrecht, "10", "1"), "school_year", "Kies een schooljaar."),
        (("2025-2026", utrecht, "abc", "1"), "participants", "Vul een geheel getal van 0 of meer in."),
        (("2025-2026", utrecht, "-5", "0"), "participants", "Vul een geheel getal van 0 of meer in."),
        (("2025-2026", utrecht, "10.5", "1"), "participants", "Vul een geheel getal van 0 of meer in."),
        (("2025-2026", utrecht, "10", "11"), "new_leavers",
         "Het aantal nieuwe vsv'ers (11) is groter dan het aantal deelnemers (10)."),
        (("2025-2026", org_id(app, "GM0310"), "10", "1"), "municipality", "Ongeldige keuze"),  # De Bilt: not theirs
        (("2025-2026", org_id(app, "GM0599"), "10", "1"), "municipality", "Ongeldige keuze"),  # another region
    ]
    for values, field, message in cases:
        response = report(client, *values)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, values
        assert 'class="error-summary"' in html and f'href="#{field}"' in html, values
        assert f'id="{field}-error"' in html, values
        error = html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
        assert message in text_of(error), (values, text_of(error))
        # one message, at its field: no second message, no cross-field message about an invalid number
        assert "Er is 1 probleem" in html, (values, text_of(html))
    assert figures(app) == []


def test_figures_lock_after_the_deadline_except_for_the_region_admin(users, clock):
    app = users
    editor = signed_in(app, UTRECHT)
    utrecht = org_id(app, "GM0344")
    assert report(editor, "2024-2025", utrecht, "1000", "20").status_code == 303  # before 1-11-2025: open
    clock(dt.date(2026, 11, 2))  # 2024-2025's own deadline has passed; 2025-2026 uses 2027-10-01
    response = report(editor, "2024-2025", utrecht, "1000", "25")
    assert response.status_code == 400
    assert ("De cijfers van schooljaar 2024-2025 zijn vergrendeld sinds de deadline van 1 november 2026; "
            "alleen de regiobeheerder kan ze nog wijzigen.") in text_of(response.get_data(as_text=True))
    assert report(editor, "2025-2026", utrecht, "1000", "25").status_code == 303  # not yet locked
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20), ("2025-2026", "GM0344", None, 1000, 25)]
    # the edit page shows the lock, and refuses a POST
    from plugins.vsv.models import VsvFigure
    from sqlalchemy import select
    from core.db import db_session
    with app.app_context():
        locked_id = db_session().scalar(select(VsvFigure.id).where(VsvFigure.school_year == "2024-2025"))
    assert "vergrendeld" in editor.get(f"{BASE}/cijfers/{locked_id}").get_data(as_text=True)
    assert editor.post(f"{BASE}/cijfers/{locked_id}", data={"participants": "1000", "new_leavers": "1"}).status_code == 400
    # the region's admin (coordinator) may still correct it, by form
    coordinator = signed_in(app, COORD)
    assert replace(coordinator, "2024-2025", utrecht, "1000", "22").status_code == 303
    assert edit(coordinator, locked_id, "1001", "22").status_code == 303
    assert figures(app)[0] == ("2024-2025", "GM0344", None, 1001, 22)


def test_municipality_cannot_read_or_write_another_municipalitys_figures(users, clock):
    app = users
    utrecht_client = signed_in(app, UTRECHT)
    report(utrecht_client, "2025-2026", org_id(app, "GM0344"), "1200", "30")
    from plugins.vsv.models import VsvFigure
    from sqlalchemy import select
    from core.db import db_session
    with app.app_context():
        figure_id = db_session().scalar(select(VsvFigure.id))

    debilt = signed_in(app, DEBILT)
    assert debilt.get(f"{BASE}/cijfers/{figure_id}").status_code == 404
    assert debilt.post(f"{BASE}/cijfers/{figure_id}", data={"participants": "1", "new_leavers": "1"}).status_code == 404
    assert "1.200" not in debilt.get(f"{BASE}/cijfers").get_data(as_text=True)
    # a viewer of Utrecht reads, but may not write
    viewer = signed_in(app, VIEWER)
    assert viewer.get(f"{BASE}/cijfers/{figure_id}").status_code == 200
    assert viewer.post(f"{BASE}/cijfers/{figure_id}", data={"participants": "1", "new_leavers": "1"}).status_code == 403
    assert viewer.get(f"{BASE}/cijfers/invoeren").status_code == 403
    # another region sees nothing of rmc-19
    rijnmond = signed_in(app, RIJNMOND)
    for url in (f"{BASE}/", f"{BASE}/cijfers", f"{BASE}/cijfers/{figure_id}", f"{BASE}/cijfers/invoeren"):
        assert rijnmond.get(url).status_code == 404, url
    assert report(rijnmond, "2025-2026", org_id(app, "GM0344"), "1", "1").status_code == 404
    # the coordinator sees every municipality's figures
    assert "1.200" in signed_in(app, COORD).get(f"{BASE}/cijfers").get_data(as_text=True)
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 30)]


def test_rmc_editor_reports_for_every_municipality_of_its_region_by_form_and_excel(users, clock, tmp_path):
    """vsv.edit is region-wide: the RMC's editor reports for its municipalities, not for another region's."""
    from core.testing import make_user

    from .conftest import regio, workbook

    app = users
    make_user(app, "rmc-invoer@vsv.example", org="MC19", role="editor")
    client = signed_in(app, "rmc-invoer@vsv.example")
    assert report(client, "2025-2026", org_id(app, "GM0310"), "800", "12").status_code == 303
    assert report(client, "2025-2026", org_id(app, "GM0599"), "800", "12").status_code == 400  # Rotterdam: rmc-29
    path = tmp_path / "rmc.xlsx"
    path.write_bytes(workbook([["2025-2026", "GM0344", 1500, 40]]))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", "rmc-invoer@vsv.example")
    assert result.exit_code == 0, result.output
    assert figures(app) == [("2025-2026", "GM0310", None, 800, 12), ("2025-2026", "GM0344", None, 1500, 40)]


def test_by_form_per_institution_only_where_the_region_reports_so(users, clock):
    app = users
    utrecht = signed_in(app, UTRECHT)
    form = utrecht.get(f"{BASE}/cijfers/invoeren").get_data(as_text=True)
    assert "ROC Midden Nederland (25LH)" in form  # rmc-19 reports per institution: its mbo institutions are offered
    assert report(utrecht, "2025-2026", org_id(app, "GM0344"), "1200", "30").status_code == 303
    assert report(utrecht, "2025-2026", org_id(app, "GM0344"), "300", "9", brin="25LH").status_code == 303
    assert replace(utrecht, "2025-2026", org_id(app, "GM0344"), "300", "8", brin="25LH").status_code == 303  # update
    assert figures(app) == [("2025-2026", "GM0344", None, 1200, 30), ("2025-2026", "GM0344", "25LH", 300, 8)]
    page = text_of(utrecht.get(f"{BASE}/cijfers").get_data(as_text=True))
    assert "Per mbo-instelling" in page and "ROC Midden Nederland (25LH) 300 8 2,67%" in page
    # rmc-29 does not: a BRIN is not among the choices, and nothing is stored
    rijnmond = signed_in(app, RIJNMOND)
    response = report(rijnmond, "2025-2026", org_id(app, "GM0599"), "300", "9", region="rmc-29", brin="25LP")
    assert response.status_code == 400
    assert "Ongeldige keuze" in text_of(response.get_data(as_text=True))  # the form has no instelling field there
    assert len(figures(app)) == 2
