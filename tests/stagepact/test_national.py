"""The stagepact section of the national overview (issue 20): reports per region from the maintained sums; a
region where fewer institutions reported than its minimum shows no figures."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from core.testing import login, make_user

MINISTRY = "bureau@ministerie.example"


def _add(app, region_slug, org_identifier, received, year="2024-2025"):
    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from plugins.stagepact.models import Report

    with app.app_context():
        session = db_session()
        session.add(Report(region_id=session.scalar(select(Region.id).where(Region.slug == region_slug)),
                           organisation_id=session.scalar(select(Organisation.id)
                                                          .where(Organisation.identifier == org_identifier)),
                           school_year=year, has_desk=True, has_procedure=False, reports_received=received,
                           reports_handled=received - 1, reports_forwarded=1, teams_matching=3, teams_total=4))
        session.commit()


def _rows(page: str) -> dict[str, list[str]]:
    section = page.split('id="stagepact-0"')[1].split("</section>")[0]
    return {unescape(m.group(1)): [unescape(c.strip()) for c in re.findall(r"<td[^>]*>([^<]*)</td>", m.group(2))]
            for m in re.finditer(r'<tr>\s*<th scope="row">([^<]+)</th>(.*?)</tr>', section, re.S)}


def test_reports_per_region_and_a_region_below_its_minimum_shows_none(app):
    _add(app, "rmc-19", "25LH", 10)
    _add(app, "rmc-19", "GM0344", 6)
    _add(app, "rmc-29", "GM0599", 50)  # one institution: below rmc-29's minimum of 2
    make_user(app, MINISTRY, platform_role="ministry")
    ministry = app.test_client()
    assert login(ministry, MINISTRY).status_code == 302
    page = ministry.get("/landelijk/").get_data(as_text=True)
    rows = _rows(page)
    assert rows["Utrecht"] == ["2", "100,0%", "16", "14", "2", "75,0%"]
    assert rows["Rijnmond"] == ["1"] + ["afgeschermd"] * 5
    assert "50" not in "".join(rows["Rijnmond"])
    assert re.search(r"2 van de \d+ regio's hebben rapportages voor dit schooljaar", page)
    assert "16 meldingen ontvangen" in page  # the national sum leaves out the region that shows nothing


def test_the_public_page_shows_a_published_complete_year_of_region_totals_only(app):
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        region = db_session().scalar(select(Region).where(Region.slug == "rmc-19"))
        institutions = [m.organisation.identifier for m in region.members if m.organisation.kind == "mbo"]
    assert len(institutions) >= 2
    _add(app, "rmc-19", institutions[0], 10)
    make_user(app, "coord@sp-public.example", org="MC19", role="admin")
    coordinator = app.test_client()
    assert login(coordinator, "coord@sp-public.example").status_code == 302
    # one institution: below the minimum, so the year is not even offered
    assert coordinator.post("/regio/rmc-19/openbaar/stagepact/publiceren",
                            data={"school_year": "2024-2025"}).status_code == 400
    for org in institutions[1:]:
        _add(app, "rmc-19", org, 6)
    assert coordinator.post("/regio/rmc-19/openbaar/stagepact/publiceren",
                            data={"school_year": "2024-2025"}).status_code == 302
    assert coordinator.post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "1"}).status_code == 302
    page = app.test_client().get("/openbaar/rmc-19/").get_data(as_text=True)
    received = 10 + 6 * (len(institutions) - 1)
    assert re.search(rf"Meldingen ontvangen</th>\s*<td class=\"num\">{received}</td>", page)
    assert "ROC" not in page.split("Stagediscriminatie in de regio")[1].split("</table>")[0]  # no institution named
