"""The region's public page (issue 20) shows kwetsbare-jongeren counts only as a coordinator published them: a
complete period, suppressed by the instrument's own rule; nothing unpublished, nothing small."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from core.testing import login, make_user

COORDINATOR = "coord@kj-public.example"


def _region(app):
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        region = db_session().scalar(select(Region).where(Region.slug == "rmc-19"))
        from plugins.kwetsbare_jongeren.figures import municipalities
        return region.id, municipalities(region)


def _add(app, region_id, counts: dict, period: str, reporter: str | None = None) -> None:
    """Store counts reported by each municipality itself (or all by `reporter`)."""
    from core.db import db_session
    from core.orgs.models import Organisation
    from plugins.kwetsbare_jongeren.models import MonitorCount

    with app.app_context():
        session = db_session()
        orgs = dict(session.execute(select(Organisation.identifier, Organisation.id)).all())
        for (municipality, category), count in counts.items():
            session.add(MonitorCount(region_id=region_id, organisation_id=orgs[reporter or municipality],
                                     municipality=municipality,
                                     period=period, category=category, count=count))
        session.commit()


def _cells(page: str) -> list[list[str]]:
    table = page.split('<table class="published">')[1].split("</table>")[0]
    return [[unescape(c.strip()) for c in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]


def test_every_value_on_the_public_page_is_published_and_suppressed(app):
    from plugins.kwetsbare_jongeren.models import CATEGORIES
    from plugins.kwetsbare_jongeren.suppression import suppress

    region_id, names = _region(app)
    codes = sorted(names)
    counts = {(code, "in beeld"): 40 + i for i, code in enumerate(codes)}
    counts[(codes[0], "begeleid naar werk")] = 2  # small: "<5", and one more hidden so it cannot be derived
    counts[(codes[1], "begeleid naar werk")] = 30
    counts[(codes[-1], "begeleid naar werk")] = 25
    _add(app, region_id, counts, "2024-2025")
    # the RMC reported some of the same cells too: the municipalities' own reports count (once), not these
    _add(app, region_id, {(codes[1], "in beeld"): 999, (codes[-1], "begeleid naar werk"): 1000}, "2024-2025",
         reporter="MC19")
    _add(app, region_id, {(codes[0], "in beeld"): 77}, "2023-2024")  # one municipality only: incomplete
    make_user(app, COORDINATOR, org="MC19", role="admin")
    coordinator = app.test_client()
    assert login(coordinator, COORDINATOR).status_code == 302
    refused = coordinator.post("/regio/rmc-19/openbaar/kwetsbare_jongeren/publiceren", data={"school_year": "2023-2024"})
    assert refused.status_code == 400 and "2023-2024 is niet compleet" in refused.get_data(as_text=True)
    assert coordinator.post("/regio/rmc-19/openbaar/kwetsbare_jongeren/publiceren",
                            data={"school_year": "2024-2025"}).status_code == 302
    assert coordinator.post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "1"}).status_code == 302
    _add(app, region_id, {(codes[0], "zonder passend aanbod"): 12}, "2024-2025")  # after publishing: not on the page

    page = app.test_client().get("/openbaar/rmc-19/").get_data(as_text=True)
    shown = _cells(page)
    expected = suppress(counts, codes, list(CATEGORIES), threshold=5)
    want = [[names[c], *(expected.cell(c, cat).text for cat in CATEGORIES)] for c in sorted(codes, key=names.get)]
    want.append(["Regio totaal", *(expected.totals[cat].text for cat in CATEGORIES)])
    assert shown == want
    by_name = {row[0]: row for row in shown}
    assert by_name[names[codes[0]]][3] == "<5" and "afgeschermd" in [row[3] for row in shown]
    numbers = [int(v.replace(".", "")) for row in shown for v in row[1:] if v.replace(".", "").isdigit()]
    assert numbers and all(n >= 5 for n in numbers)  # nothing small is shown
    assert ">77<" not in page and ">12<" not in page and "999" not in page and "1000" not in page  # the unpublished period, the count added after publishing
