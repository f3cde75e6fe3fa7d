"""Dutch by default, English on request: the vsv pages in the reader's language and number format; and the
figures page one school year at a time.

Two municipalities of rmc-19 report on 2024-2025 (hand-computed):
  Utrecht (GM0344): 10.000 deelnemers, 1.234 nieuwe vsv'ers = 12,34%
  De Bilt (GM0310):  2.000 deelnemers,   250 nieuwe vsv'ers = 12,50%
Region: 12.000 deelnemers, 1.484 nieuwe vsv'ers = 12,37% (1484 / 12000 = 12,366…%).
"""
from __future__ import annotations

import datetime as dt
import re

from .conftest import BASE, COORD, DEBILT, UTRECHT, org_id, report, signed_in, text_of


def english(client):
    answer = client.post("/taal", data={"taal": "en", "next": f"{BASE}/"})
    assert answer.status_code == 302
    return client


def _fill(app):
    utrecht, debilt = signed_in(app, UTRECHT), signed_in(app, DEBILT)
    assert report(utrecht, "2024-2025", org_id(app, "GM0344"), "10000", "1234").status_code == 303
    assert report(debilt, "2024-2025", org_id(app, "GM0310"), "2000", "250").status_code == 303


def _rows(html: str) -> list[str]:
    """The text of every body row of the page's tables."""
    return [text_of(row).strip() for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td" in row]


def test_the_dashboard_is_dutch_with_dutch_numbers_by_default(users, clock):
    app = users
    _fill(app)
    html = signed_in(app, COORD).get(f"{BASE}/").get_data(as_text=True)
    text = text_of(html)
    assert '<html lang="nl">' in html
    assert "Voortijdig schoolverlaten in regio Utrecht" in text and "Landelijke context" in text
    assert "2024-2025 2 van de 16 gemeenten 12.000 1.484 12,37% – –" in text
    assert "Gemeente Utrecht GM0344 12,34% – –" in text and "Gemeente De Bilt GM0310 12,50%" in text
    assert "minder dan 18.000 nieuwe vsv'ers" in text and "2022-2023 alle sectoren 30.246" in text
    assert "Realisatie en streefwaarde per schooljaar, regio Utrecht</title>" in html
    overview = text_of(signed_in(app, COORD).get("/regio/rmc-19/").get_data(as_text=True))
    assert "Schooljaar 2024-2025: 1.484 nieuwe vsv'ers (12,37%)." in overview


def test_after_choosing_english_the_dashboard_is_english_with_english_numbers(users, clock):
    app = users
    _fill(app)
    client = english(signed_in(app, COORD))
    html = client.get(f"{BASE}/").get_data(as_text=True)
    text = text_of(html)
    assert '<html lang="en">' in html
    assert "<h1>Early school leaving in region Utrecht</h1>" in html
    for words in ("Realisation against the agreement", "Per municipality, school year 2024-2025", "National context",
                  "New early school leavers: young people under 23 who leave education without a basic "
                  "qualification.", "This region has no signed early school leaving agreement yet",
                  "School year Municipalities with figures Participants New early school leavers Percentage"):
        assert words in text, words
    assert "2024-2025 2 of the 16 municipalities 12,000 1,484 12.37% – –" in text
    assert "Gemeente Utrecht GM0344 12.34% – –" in text and "Gemeente De Bilt GM0310 12.50%" in text
    assert "Gemeente Bunnik GM0312 no figures" in text  # the name stays as entered
    assert "fewer than 18,000 new early school leavers" in text and "2022-2023 all sectors 30,246" in text
    assert "2016-2017 MBO 18,574 4.71%" in text
    # the chart speaks English too, its series included
    assert "Realisation and target per school year, region Utrecht</title>" in html
    assert "New early school leavers" in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    for dutch in ("Realisatie tegen de afspraak", "Landelijke context", "Deelnemers", "Gemeenten met cijfers",
                  "nieuwe vsv'ers", "12,37%", "12.000"):
        assert dutch not in text, dutch
    # the region overview's widget and the navigation follow the choice
    overview = text_of(client.get("/regio/rmc-19/").get_data(as_text=True))
    assert "School year 2024-2025: 1,484 new early school leavers (12.37%)." in overview
    assert "Early school leaver figures" in overview and "Go to early school leaving" in overview


def test_the_figures_page_in_dutch_and_in_english(users, clock):
    app = users
    _fill(app)
    coordinator = signed_in(app, COORD)
    dutch = coordinator.get(f"{BASE}/cijfers").get_data(as_text=True)
    assert any(row.startswith("2024-2025 Gemeente Utrecht (GM0344) 10.000 1.234 12,34% Wijzigen")
               for row in _rows(dutch))
    assert "Cijfers per gemeente in schooljaar 2024-2025 die u mag zien" in dutch
    assert "Schooljaar 2024-2025: 1 november 2026." in text_of(dutch)  # the deadline in words
    english(coordinator)
    html = coordinator.get(f"{BASE}/cijfers").get_data(as_text=True)
    text = text_of(html)
    assert "<h1>Early school leaver figures, region Utrecht</h1>" in html
    assert "Figures per municipality in school year 2024-2025 that you may see" in text
    assert "School year Municipality Participants New early school leavers Percentage (calculated)" in text
    assert any(row.startswith("2024-2025 Gemeente Utrecht (GM0344) 10,000 1,234 12.34% Change") for row in _rows(html))
    assert '<label for="schooljaar">School year</label>' in html and ">All school years</option>" in html
    assert "School year 2024-2025: November 1, 2026." in text
    for dutch in ("Deelnemers", "Wijzigen", "Terug naar het overzicht", "10.000", "12,34%", "1 november"):
        assert dutch not in text, dutch


def test_the_form_its_messages_and_the_lock_in_english(users, clock):
    app = users
    client = english(signed_in(app, UTRECHT))
    utrecht = org_id(app, "GM0344")
    page = client.get(f"{BASE}/cijfers/invoeren").get_data(as_text=True)
    assert "<h1>Enter early school leaver figures</h1>" in page
    assert '<label for="participants">Participants</label>' in page and "Only the school years in the list" in page
    assert "Choose a school year" in page
    assert "Deelnemers" not in page and "Opslaan" not in page
    wrong = report(client, "2025-2026", utrecht, "1234", "1500")
    assert wrong.status_code == 400
    wrong = text_of(wrong.get_data(as_text=True))
    assert ("The number of new early school leavers (1,500) is greater than the number of participants (1,234)."
            in wrong)
    saved = report(client, "2024-2025", utrecht, "1234", "12")
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/cijfers?schooljaar=2024-2025")
    assert "The figures for school year 2024-2025 have been saved." in text_of(
        client.get(saved.headers["Location"]).get_data(as_text=True))
    clock(dt.date(2026, 11, 2))
    locked = text_of(report(client, "2024-2025", utrecht, "1234", "13").get_data(as_text=True))
    assert ("The figures for school year 2024-2025 have been locked since the deadline of November 1, 2026; only "
            "the region administrator can still change them.") in locked


def test_in_dutch_the_form_writes_dutch_numbers(users, clock):
    client = signed_in(users, UTRECHT)
    wrong = text_of(report(client, "2025-2026", org_id(users, "GM0344"), "1234", "1500").get_data(as_text=True))
    assert "Het aantal nieuwe vsv'ers (1.500) is groter dan het aantal deelnemers (1.234)." in wrong


# --- the figures page, one school year at a time -------------------------------------------------------

def _years(app):
    """Utrecht and De Bilt report on 2023-2024 and 2024-2025; Utrecht also per institution in 2024-2025."""
    utrecht, debilt = signed_in(app, UTRECHT), signed_in(app, DEBILT)
    gm0344, gm0310 = org_id(app, "GM0344"), org_id(app, "GM0310")
    for year, a, b in (("2023-2024", "1111", "2222"), ("2024-2025", "3333", "4444")):
        assert report(utrecht, year, gm0344, a, "10").status_code == 303
        assert report(debilt, year, gm0310, b, "10").status_code == 303
    assert report(utrecht, "2024-2025", gm0344, "555", "5", brin="25LH").status_code == 303
    assert report(utrecht, "2023-2024", gm0344, "666", "6", brin="25LH").status_code == 303


def test_a_coordinator_sees_the_latest_school_year_by_default_and_may_choose_another_or_all(users, clock):
    app = users
    _years(app)
    coordinator = signed_in(app, COORD)
    latest = coordinator.get(f"{BASE}/cijfers").get_data(as_text=True)
    assert '<option value="2024-2025" selected>' in latest
    assert "3.333" in latest and "4.444" in latest and ">555<" in latest
    assert "1.111" not in latest and "2.222" not in latest and ">666<" not in latest
    earlier = coordinator.get(f"{BASE}/cijfers?schooljaar=2023-2024").get_data(as_text=True)
    assert '<option value="2023-2024" selected>' in earlier
    assert "1.111" in earlier and "2.222" in earlier and ">666<" in earlier and "3.333" not in earlier
    every = coordinator.get(f"{BASE}/cijfers?schooljaar=alle").get_data(as_text=True)
    assert '<option value="alle" selected>' in every
    assert all(n in every for n in ("1.111", "2.222", "3.333", "4.444", ">555<", ">666<"))
    assert "Cijfers per schooljaar en gemeente die u mag zien" in every
    unknown = coordinator.get(f"{BASE}/cijfers?schooljaar=1999-2000").get_data(as_text=True)
    assert "3.333" in unknown and "1.111" not in unknown  # an unknown year: the latest
    assert len(latest) < len(every)


def test_a_municipality_still_sees_all_and_only_its_own_figures(users, clock):
    app = users
    _years(app)
    utrecht = signed_in(app, UTRECHT)
    page = utrecht.get(f"{BASE}/cijfers").get_data(as_text=True)
    assert "1.111" in page and "3.333" in page  # one municipality: every school year, as before
    assert "2.222" not in page and "4.444" not in page and "De Bilt" not in page
    for year in ("2023-2024", "2024-2025", "alle"):
        chosen = utrecht.get(f"{BASE}/cijfers?schooljaar={year}").get_data(as_text=True)
        assert "2.222" not in chosen and "4.444" not in chosen and "De Bilt" not in chosen, year
    only = utrecht.get(f"{BASE}/cijfers?schooljaar=2023-2024").get_data(as_text=True)
    assert "1.111" in only and "3.333" not in only
    # a year only another municipality reported is not offered (it would show nothing)
    debilt = signed_in(app, DEBILT)
    assert report(debilt, "2025-2026", org_id(app, "GM0310"), "100", "1").status_code == 303
    assert 'value="2025-2026"' not in utrecht.get(f"{BASE}/cijfers").get_data(as_text=True)
