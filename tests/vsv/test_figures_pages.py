"""Issue 21: the figures list renders at most LIST_PAGE_SIZE rows a page, with the total and a next page."""
from __future__ import annotations

import re

from sqlalchemy import insert, select

from core.testing import make_user
from tests.vsv.conftest import BASE, COORD, UTRECHT, signed_in

YEARS = [f"{1900 + n}-{1901 + n}" for n in range(23)]  # 23 school years of gemeente Utrecht and De Bilt: 46 rows
ROW = re.compile(r'<tr><th scope="row">(\d{4}-\d{4})</th><td>([^<]+)</td>')


def _figures(app) -> None:
    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from plugins.vsv.models import VsvFigure

    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
        orgs = [session.scalar(select(Organisation.id).where(Organisation.identifier == i)) for i in ("GM0344", "GM0310")]
        session.execute(insert(VsvFigure), [
            {"region_id": region, "organisation_id": org, "school_year": year, "participants": 1000, "new_leavers": 10,
             "version": 1} for year in YEARS for org in orgs])
        session.commit()


def _walk(client, url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Every row of every page, following 'Volgende pagina'; and the pages' texts."""
    rows, pages = [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        rows += [m.groups() for m in ROW.finditer(page)]
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    return rows, pages


def test_every_school_year_comes_in_pages_of_at_most_the_configured_size(app_factory):
    app = app_factory(LIST_PAGE_SIZE=20)
    make_user(app, COORD, org="MC19", role="admin")
    _figures(app)
    rows, pages = _walk(signed_in(app, COORD), f"{BASE}/cijfers?schooljaar=alle")
    assert len(pages) == 3, "46 rows in pages of 20"
    assert all(len(ROW.findall(page)) <= 20 for page in pages)
    assert "20 van 46 rijen op deze pagina" in pages[0] and "6 van 46 rijen op deze pagina" in pages[2]
    assert len(rows) == 46 and len(set(rows)) == 46, "every row once, none twice"
    assert [year for year, _name in rows] == sorted((year for year, _name in rows), reverse=True)
    assert '<option value="alle" selected>' in pages[2], "the next page keeps the filter"
    assert "Eerste pagina" in pages[1] and "Eerste pagina" not in pages[0]


def test_a_short_list_shows_no_pager_and_a_bad_cursor_starts_at_the_top(app_factory):
    app = app_factory()
    make_user(app, UTRECHT, org="GM0344", role="editor")
    _figures(app)
    utrecht = signed_in(app, UTRECHT)
    page = utrecht.get(f"{BASE}/cijfers").get_data(as_text=True)
    assert len(ROW.findall(page)) == 23 and "Volgende pagina" not in page  # only Utrecht's own, one page
    assert "De Bilt" not in page
    odd = utrecht.get(f"{BASE}/cijfers?schooljaar=alle&na=not-a-cursor")
    assert odd.status_code == 200 and len(ROW.findall(odd.get_data(as_text=True))) == 23
