"""The region dashboard: totals for everyone in the region, against a hand-computed example."""
from __future__ import annotations

import re

from core.testing import login
from tests.chart_geometry import assert_all_text_inside

from .conftest import BASE, row, table

# 2024-2025 in rmc-19, three institutions:
#   25LH: meldpunt ja, procedure ja,  10 ontvangen, 8 afgehandeld, 2 doorgezet, teams 6 van 20
#   01OE: meldpunt ja, procedure nee,  5 ontvangen, 5 afgehandeld, 1 doorgezet, teams 3 van 10
#   02PK: meldpunt nee, procedure nee, 0 ontvangen, 0 afgehandeld, 0 doorgezet, teams 1 van 10
# Totals: 3 instellingen; meldpunt 2 van 3 = 66,7%; procedure 1 van 3 = 33,3%; 15 ontvangen,
# 13 afgehandeld = 86,7%, 3 doorgezet = 20,0%; teams 10 van 40 = 25,0%.
# 2023-2024: only 25LH reported, fewer than minimum_reports (2): not shown.
EXAMPLE = [
    row("25LH"),
    row("01OE", procedure="nee", received=5, handled=5, forwarded=1, matching=3, teams=10,
        measures="training van stagebegeleiders; Gastlessen door ervaringsdeskundigen"),
    row("02PK", desk="nee", procedure="nee", received=0, handled=0, forwarded=0, matching=1, teams=10, measures=None),
    row("25LH", year="2023-2024", received=4, handled=4, forwarded=0, matching=2, teams=20),
]


def test_dashboard_figures_match_the_hand_computed_example(app, imported, client_of):
    assert imported(EXAMPLE).exit_code == 0
    page = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)  # a region user, no institution
    assert table(page, "stagepact-meldingen")[1:] == [
        ["2024-2025", "3 van de 5 instellingen", "15", "13", "86,7", "3", "20,0"]]
    # 2 of the region's 5 mbo institutions did not report: named
    assert table(page, "stagepact-ontbrekend") == [] and (
        "2024-2025: nog niet compleet (3 van de 5 instellingen). Ontbreekt: Grafisch Lyceum Utrecht, "
        "MBO Utrecht.") in " ".join(page.split())
    assert table(page, "stagepact-aandelen")[1:] == [
        ["2024-2025", "2 van 3", "66,7", "1 van 3", "33,3", "10", "40", "25,0"]]
    assert table(page, "stagepact-maatregelen") == [
        ["Soort maatregel", "2024-2025"],
        ["Meldpunt bekendgemaakt bij studenten", "1"],
        ["Training van stagebegeleiders", "2"],  # matched regardless of case
        ["Afspraken met leerbedrijven", "0"],
        ["Andere maatregelen (vrije tekst)", "1"],
    ]
    assert "Niet getoond (te weinig rapportages): 2023-2024." in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 2  # chart + table
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', page, re.S)
    labels = [t for chart in charts for t in assert_all_text_inside(chart)]  # all inside each chart's box
    assert {"Instellingen met meldpunt", "Instellingen met procedure", "Teams met stagematching"} <= set(labels)
    assert "Instellingen met meldpunt, 2024-2025: 66,7%<" in charts[1]  # 2 of 3, rounded half-up
    # The region overview's widget shows the same latest totals.
    overview = " ".join(client_of("gemeente").get("/regio/rmc-19/").get_data(as_text=True).split())
    assert "In 2024-2025 rapporteerden 3 mbo-instellingen: 2 met een meldpunt, 15 meldingen" in overview
    assert "25,0% van de teams werkt met stagematching" in overview


def test_a_year_with_one_report_reveals_nothing_to_the_region(app, imported, client_of):
    assert imported([row("25LH", received=17)]).exit_code == 0
    page = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert table(page, "stagepact-meldingen") == []
    assert "17" not in " ".join(re.sub(r"<[^>]+>", " ", page).split())  # the text a reader sees, not tokens
    assert "Niet getoond (te weinig rapportages): 2024-2025." in page
    # The institution itself and the coordinator still see its row.
    assert table(client_of("roc").get(f"{BASE}/").get_data(as_text=True), "stagepact-instellingen")[1][4] == "17"
    assert table(client_of("coordinator").get(f"{BASE}/").get_data(as_text=True),
                 "stagepact-instellingen")[1][4] == "17"


def test_the_signed_regional_agreement_puts_its_target_beside_the_figures(app, imported, client_of, users):
    """The consortium drafts and signs the regional stagepact; its target per school year appears."""
    from sqlalchemy import select

    from core.agreements.models import Agreement
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from core.testing import DEFAULT_PASSWORD, make_user

    from .conftest import org_id

    assert imported(EXAMPLE).exit_code == 0
    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        for ident in ("MC19", "25LH"):
            org = session.scalar(select(Organisation).where(Organisation.identifier == ident))
            session.add(ConsortiumMember(region_id=region.id, instrument_key="stagepact", organisation_id=org.id,
                                         role="deelnemer"))
        session.commit()
    make_user(app, "teken@rocmn.example", org="25LH", role="signatory")
    before = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert "Er is nog geen regionaal stagepact in werking" in before

    coordinator = client_of("coordinator")
    base = "/regio/rmc-19/afspraken/stagepact"
    assert "Streefwaarde aandeel teams met stagematching" in coordinator.get(f"{base}/nieuw").get_data(as_text=True)
    data = {"title": "Regionaal stagepact Utrecht", "text": "Wij werken samen tegen stagediscriminatie.",
            "parties": [org_id(app, "MC19"), org_id(app, "25LH")],
            "term_0_0": "20", "term_0_1": "30", "term_0_2": "40", "term_0_3": "50", "term_1_0": "y"}
    response = coordinator.post(f"{base}/nieuw", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)

    def fingerprint():
        with app.app_context():
            agreement = db_session().scalars(select(Agreement)).one()
            return agreement.id, (agreement.open_version or agreement.latest).fingerprint

    agreement_id, basis = fingerprint()
    assert coordinator.post(f"{base}/{agreement_id}/versturen", data={"basis": basis}).status_code == 302
    for email, org in ((users["coordinator"], "MC19"), ("teken@rocmn.example", "25LH")):
        client = app.test_client()
        login(client, email)
        signed = client.post(f"{base}/{agreement_id}/ondertekenen", data={
            "fingerprint": fingerprint()[1], "organisation": org_id(app, org), "agree": "y",
            "password": DEFAULT_PASSWORD})
        assert signed.status_code == 302, signed.get_data(as_text=True)
    dashboard = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert table(dashboard, "stagepact-aandelen")[0][-2:] == ["Streefwaarde (%)", "Gehaald?"]
    # the target for 2024-2025; 25,0% >= 20, but 3 of the 5 institutions reported: not judged
    assert table(dashboard, "stagepact-aandelen")[1][-2:] == ["20", "nog niet compleet"]
    assert "gehaald" not in " ".join(dashboard.split()).replace("Gehaald?", "")
    # once every institution reported, the year is judged: 10 + 2 + 3 of 40 + 10 + 10 teams = 25,0% >= 20
    assert imported(EXAMPLE[:3] + [row("23KG", matching=2, teams=10), row("30RN", matching=3, teams=10)]).exit_code == 0
    dashboard = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert table(dashboard, "stagepact-meldingen")[1][1] == "5 van de 5 instellingen"
    assert table(dashboard, "stagepact-aandelen")[1][-3:] == ["25,0", "20", "gehaald"]
    assert "Regionaal stagepact Utrecht" in dashboard and "Streefwaarde stagematching" in dashboard


def test_the_reports_list_comes_in_pages_of_the_configured_size_with_the_total(app, imported, client_of):
    """Issue 21: the dashboard's per-institution list renders at most LIST_PAGE_SIZE rows, says how many there
    are, and the next page has the rest (newest school year first)."""
    assert imported(EXAMPLE).exit_code == 0
    app.config["LIST_PAGE_SIZE"] = 3
    coordinator, url, seen = client_of("coordinator"), f"{BASE}/", []
    pages = []
    while url:
        page = coordinator.get(url).get_data(as_text=True)
        pages.append(page)
        seen += [(r[0], r[1]) for r in table(page, "stagepact-instellingen")[1:]]
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(pages) == 2 and "3 van 4 rijen op deze pagina" in pages[0] and "1 van 4 rijen" in pages[1]
    assert len(seen) == 4 == len(set(seen)), seen
    assert [year for _org, year in seen] == ["2024-2025"] * 3 + ["2023-2024"]
    # the region's totals above the list are the whole region's on every page
    assert table(pages[1], "stagepact-meldingen")[1:] == table(pages[0], "stagepact-meldingen")[1:]
