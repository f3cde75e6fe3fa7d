"""Dashboards: realisation against the richtpunt per goal (institution), per institution that serves the region,
and the national sectorbeeld, which counts each institution once even when it serves several regions."""
from __future__ import annotations

import re

from sqlalchemy import select

from .conftest import BASE, GOAL, org_id, table


def realise(client, agenda, year, value, code="K1"):
    response = client.post(f"{BASE}/agenda/{agenda}/realisatie", data={"goal": code, "year": str(year),
                                                                        "value": value})
    assert response.status_code == 303, response.get_data(as_text=True)


def serve_rmc29_too(app, identifier="25LH"):
    """The institution gets a location in Rijnmond: a member of rmc-29 too."""
    from core.db import db_session
    from core.regions.models import Region, RegionMember

    with app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == "rmc-29"))
        session.add(RegionMember(region_id=region_id, organisation_id=org_id(app, identifier)))
        session.commit()


def test_institution_dashboard_shows_realisation_against_the_richtpunt(app, client_of, agenda):
    roc = client_of("roc")
    roc.post(f"{BASE}/agenda/{agenda}/doel/nieuw", data={**GOAL, "code": "K2", "priority": "Aansluiting onderwijs-arbeidsmarkt",
                                                         "title": "Meer stages", "lower_is_better": ""})
    realise(roc, agenda, 2024, "8,9")  # K1 lowers: 8.9 <= 9, on track
    realise(roc, agenda, 2024, "8", code="K2")  # K2 raises: 8 < 9, not on track
    page = roc.get(f"{BASE}/agenda/{agenda}").get_data(as_text=True)
    rows = {r[0].split()[0]: r for r in table(page, "kwaliteitsagenda-doelen")[1:]}
    assert rows["K1"][2:4] == ["9,5", "op koers"] and rows["K2"][3] == "niet op koers"
    progress = table(page, "kwaliteitsagenda-voortgang")
    assert ["K1", "2024", "9", "8,9"] in progress and ["K1", "2025", "8,5", "–"] in progress
    assert ["K2", "2024", "9", "8"] in progress
    assert "<svg" in page  # the chart, with the same numbers in the table


def test_region_dashboard_counts_every_institution_that_serves_the_region(app, client_of, agenda):
    realise(client_of("roc"), agenda, 2024, "8,5")
    page = client_of("gemeente_viewer").get(f"{BASE}/").get_data(as_text=True)
    assert table(page, "kwaliteitsagenda-regio")[1][:5] == ["ROC Midden Nederland", "1", "1", "0", "0"]
    # A municipality sees the region's figures, not the agenda itself.
    assert table(page, "kwaliteitsagenda-agendas")[1] == ["Geen agenda's om te tonen."]
    # Rijnmond shows it once ROC Midden Nederland serves Rijnmond too (the agenda stays in Utrecht).
    rijnmond = client_of("coordinator29")
    assert table(rijnmond.get("/regio/rmc-29/kwaliteitsagenda/").get_data(as_text=True),
                 "kwaliteitsagenda-regio")[1] == ["Nog geen kwaliteitsagenda's voor deze periode."]
    serve_rmc29_too(app)
    rows = table(rijnmond.get("/regio/rmc-29/kwaliteitsagenda/").get_data(as_text=True), "kwaliteitsagenda-regio")
    assert rows[1][0] == "ROC Midden Nederland"
    assert rijnmond.get(f"/regio/rmc-29/kwaliteitsagenda/agenda/{agenda}").status_code == 404


def test_the_national_picture_counts_each_institution_once(app, client_of, agenda):
    realise(client_of("roc"), agenda, 2024, "8,5")
    zadkine = client_of("zadkine")
    made = zadkine.post("/regio/rmc-29/kwaliteitsagenda/agenda/nieuw",
                        data={"organisation": org_id(app, "25LP"), "period": "2024-2027"})
    other = int(made.headers["Location"].rstrip("/").split("/")[-1])
    assert zadkine.post(f"/regio/rmc-29/kwaliteitsagenda/agenda/{other}/doel/nieuw", data=GOAL).status_code == 303
    serve_rmc29_too(app)  # ROC Midden Nederland now serves both regions
    page = client_of("ministry").get("/landelijk/").get_data(as_text=True)
    assert "Sectorbeeld kwaliteitsagenda" in page
    rows = [r for r in table_of_section(page) if r and r[0].startswith("2024-2027: Kansengelijkheid")]
    assert rows[0][1:6] == ["2", "2", "1", "0", "1"]  # 2 institutions, 2 goals, 1 on track, 1 without realisation
    assert "2024-2027: 2 instellingen met een agenda" in page
    # The same figures in the .xlsx export.
    export = client_of("ministry").get("/landelijk/kwaliteitsagenda-0.xlsx")
    assert export.status_code == 200


def table_of_section(page: str) -> list[list[str]]:
    """The rows of the sectorbeeld table (the core renders it without an id)."""
    import re
    from html import unescape

    start = page.index("Doelen van de kwaliteitsagenda")
    chunk = page[start:page.index("</table>", start)]
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", chunk, re.S)]


def test_the_region_dashboard_lists_the_agendas_in_pages_of_the_configured_size(app, client_of, agenda):
    """Issue 21: the agenda list renders at most LIST_PAGE_SIZE rows with the total; the next page has the rest."""
    for who, org in (("yuverta", "01OE"), ("roc", "25LH")):
        period = "2024-2027" if who == "yuverta" else "2015-2018"
        response = client_of(who).post(f"{BASE}/agenda/nieuw", data={"organisation": org_id(app, org), "period": period})
        assert response.status_code == 303, response.get_data(as_text=True)
    app.config["LIST_PAGE_SIZE"] = 2
    coordinator, url, pages, seen = client_of("coordinator"), f"{BASE}/", [], []
    while url:
        page = coordinator.get(url).get_data(as_text=True)
        pages.append(page)
        seen += [(r[0], r[1]) for r in table(page, "kwaliteitsagenda-agendas")[1:]]
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(pages) == 2 and "2 van 3 rijen op deze pagina" in pages[0] and "1 van 3 rijen" in pages[1]
    assert len(set(seen)) == 3 and [period for _org, period in seen] == ["2024-2027", "2024-2027", "2015-2018"]
