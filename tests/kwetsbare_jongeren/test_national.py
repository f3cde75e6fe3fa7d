"""The kwetsbare-jongeren section of the national overview (issue 20): counts per region and category from
the maintained sums, with the instrument's suppression applied across the regions."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from core.testing import login, make_user

MINISTRY = "bureau@ministerie.example"


def _add(app, region_slug, municipality, category, count, period="2024-2025"):
    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from plugins.kwetsbare_jongeren.models import MonitorCount

    with app.app_context():
        session = db_session()
        session.add(MonitorCount(region_id=session.scalar(select(Region.id).where(Region.slug == region_slug)),
                                 organisation_id=session.scalar(select(Organisation.id)
                                                                .where(Organisation.identifier == municipality)),
                                 municipality=municipality, period=period, category=category, count=count))
        session.commit()


def _rows(page: str) -> dict[str, list[str]]:
    section = page.split('id="kwetsbare_jongeren-0"')[1].split("</section>")[0]
    return {unescape(m.group(1)): [unescape(c.strip()) for c in re.findall(r"<td[^>]*>([^<]*)</td>", m.group(2))]
            for m in re.finditer(r'<tr>\s*<th scope="row">([^<]+)</th>(.*?)</tr>', section, re.S)}


def test_small_counts_are_suppressed_across_regions_and_cannot_be_derived(app):
    _add(app, "rmc-19", "GM0344", "in beeld", 40)
    _add(app, "rmc-19", "GM0310", "in beeld", 2)   # one region's sum of 42 is not small
    _add(app, "rmc-29", "GM0599", "in beeld", 3)   # small: hidden across the regions
    _add(app, "rmc-29", "GM0599", "begeleid naar werk", 12)
    make_user(app, MINISTRY, platform_role="ministry")
    ministry = app.test_client()
    assert login(ministry, MINISTRY).status_code == 302
    page = ministry.get("/landelijk/").get_data(as_text=True)
    rows = _rows(page)
    # the strictest threshold any region set applies across regions (Twente's 10, not the default 5)
    assert rows["Rijnmond"][0] == "<10"
    # one hidden cell in the column would be derivable from the total: a second one is hidden as well
    assert rows["Utrecht"][0] == "afgeschermd"
    assert rows["Rijnmond"][2] == "12"
    assert rows["Alle regio's samen"][0] == "45"
    section = page.split('id="kwetsbare_jongeren-0"')[1].split("</section>")[0]
    assert ">3<" not in section and ">42<" not in section
    assert ministry.get("/landelijk/kwetsbare_jongeren-0.xlsx").status_code == 200
