"""Dutch by default, English on request: the kwetsbare_jongeren pages in the reader's language and number format.

Counts in rmc-19 (Utrecht), 2024-2025, each municipality about itself (hand-computed):
  in beeld:            Utrecht 1234, De Bilt 3, Zeist 9  -> total 1246
  begeleid naar werk:  Utrecht 12                         -> total 12
For the coordinator (not a reporter of these counts) De Bilt's 3 is "<5" in every language, and Zeist's 9
is suppressed as well (otherwise 1246 - 1234 - 9 = 3 would give De Bilt away): "afgeschermd" in Dutch,
"suppressed" in English. Numbers are 1.234 in Dutch and 1,234 in English.
"""
from __future__ import annotations

import html
import re

from .conftest import BASE
from .test_matrix import add_consortium, matrix_form
from .test_suppression import cells_of

P = "2024-2025"
COUNTS = [
    ("GM0344", "GM0344", P, "in beeld", 1234),
    ("GM0310", "GM0310", P, "in beeld", 3),
    ("GM0355", "GM0355", P, "in beeld", 9),
    ("GM0344", "GM0344", P, "begeleid naar werk", 12),
]


def english(client, back=f"{BASE}/"):
    answer = client.post("/taal", data={"taal": "en", "next": back})
    assert answer.status_code == 302
    return client


def text(page: str) -> str:
    return " ".join(html.unescape(page).split())


def headings(page: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", page)]


def assert_headings_in_order(page: str):
    levels = headings(page)
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_the_dashboard_is_dutch_with_dutch_numbers_by_default(world):
    world.add_counts(COUNTS)
    page = world.client("coord").get(f"{BASE}/").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "<h1>Kwetsbare jongeren in Utrecht</h1>" in page
    assert "<td>1.234</td>" in cells_of(page, "Gemeente Utrecht")
    assert "<td>1.246</td>" in cells_of(page, "Totaal regio")
    assert "<td>&lt;5</td>" in cells_of(page, "Gemeente De Bilt")
    assert "<td>afgeschermd</td>" in cells_of(page, "Gemeente Zeist")
    assert '<th scope="col">In beeld</th>' in page and '<th scope="col">Gemeld door</th>' in page
    assert "Deze regio meldt per schooljaar (zoals 2024-2025)." in page
    assert_headings_in_order(page)


def test_after_choosing_english_the_dashboard_is_english_with_english_numbers(world):
    world.add_counts(COUNTS)
    client = english(world.client("coord"))
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Vulnerable young people in Utrecht</h1>" in page
    assert '<h2 id="aanpak">The regional approach</h2>' in page and '<h2 id="monitor">Monitor</h2>' in page
    # The published table: English headers, English numbers, "<5" as it is, the complementary one in English.
    assert "<td>1,234</td>" in cells_of(page, "Gemeente Utrecht")
    assert "<td>1,246</td>" in cells_of(page, "Region total")
    assert "<td>&lt;5</td>" in cells_of(page, "Gemeente De Bilt")
    assert "<td>suppressed</td>" in cells_of(page, "Gemeente Zeist")
    for header in ("Municipality", "In view", "Guided to work", "Without suitable provision", "Reported by"):
        assert f'<th scope="col">{header}</th>' in page, header
    assert "Numbers of young people per municipality, 2024-2025 (counts below 5 suppressed)" in page
    # The chart speaks English and has the table with the same numbers beside it.
    assert "Numbers of young people per category, region Utrecht</title>" in page
    assert "<caption>Region totals per period and category (suppressed below 5)</caption>" in page
    assert f'<tr><th scope="row">{P}</th><td>3 of the 16 municipalities</td><td>1,246</td>' in page
    words = text(page)
    # the totals count 3 of the region's 16 municipalities: said, with who is missing
    assert f"{P}: not yet complete (3 of the 16 municipalities): the region totals only count" in words
    assert "Missing: Gemeente Bunnik," in words
    assert "This region reports per school year (such as 2024-2025)." in words
    assert "Counts from 1 up to and including 4 are shown as <5." in words
    assert "There is no signed approach yet." in words
    for dutch in ("Regiototalen", "afgeschermd", "Gemeld door", "In beeld", "Totaal regio", "Er is nog geen"):
        assert dutch not in page, dutch
    assert_headings_in_order(page)
    # The region overview's widget follows the choice.
    overview = client.get("/regio/rmc-19/").get_data(as_text=True)
    assert "<caption>Region totals 2024-2025 (suppressed below 5)</caption>" in overview
    assert '<tr><th scope="row">In view</th><td>1,246</td></tr>' in overview
    assert "3 of the 16 municipalities: not yet complete." in text(overview)
    assert "Regiototalen" not in overview


def test_the_approach_page_in_dutch_and_in_english(world):
    add_consortium(world.app, "rmc-19", "kwetsbare_jongeren", ["MC19", "GM0344"])  # the matrix's parties
    coord = world.client("coord")
    incomplete = {("MC19", 0): "eindverantwoordelijk", ("GM0344", 0): "eindverantwoordelijk",
                  ("MC19", 1): "eindverantwoordelijk", ("MC19", 2): "uitvoerend", ("MC19", 3): "eindverantwoordelijk"}
    assert coord.post(f"{BASE}/aanpak", data=matrix_form(world, incomplete)).status_code == 303
    dutch = coord.get(f"{BASE}/aanpak").get_data(as_text=True)
    assert "<h1>Verantwoordelijkhedenmatrix Utrecht</h1>" in dutch
    assert "taak &#39;Signaleren&#39; heeft 2 eindverantwoordelijke partijen" in dutch
    mc19, utrecht = world.org_id("MC19"), world.org_id("GM0344")
    assert f'<label class="visually-hidden" for="cel_{mc19}_0">Rol van RMC Utrecht bij Signaleren</label>' in dutch

    page = english(coord, f"{BASE}/aanpak").get(f"{BASE}/aanpak").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Responsibility matrix Utrecht</h1>" in page
    assert "<caption>Roles per party and task</caption>" in page
    for task in ("Identifying", "Guiding into education or work", "Support during the transition", "Aftercare"):
        assert f'<th scope="col">{task}</th>' in page, task
    # Every select is named by the party and the task.
    assert f'<label class="visually-hidden" for="cel_{mc19}_0">Role of RMC Utrecht in Identifying</label>' in page
    assert f'<label class="visually-hidden" for="cel_{utrecht}_3">Role of Gemeente Utrecht in Aftercare</label>' in page
    assert '<option selected value="eindverantwoordelijk">Accountable</option>' in page \
        or '<option value="eindverantwoordelijk" selected>Accountable</option>' in page
    assert ">Executing</option>" in page
    words = text(page)
    assert ("task 'Identifying' has 2 accountable parties (Gemeente Utrecht, RMC Utrecht); there must be exactly one"
            in words)
    assert "task 'Support during the transition' has no accountable party; appoint exactly one" in words
    assert "For signing" in words and "Save matrix" in words
    for dutch in ("Verantwoordelijkhedenmatrix", "eindverantwoordelijke", "Signaleren", "Opslaan"):
        assert dutch not in page, dutch
    assert_headings_in_order(page)

    # A wrong choice: the error summary right after the h1, in English, linking to the cell.
    bad = coord.post(f"{BASE}/aanpak", data={f"cel_{mc19}_0": "baas"})
    assert bad.status_code == 400
    bad = bad.get_data(as_text=True)
    assert bad.index("<h1>") < bad.index('class="error-summary"') < bad.index("<table>")
    assert f'href="#cel_{mc19}_0"' in bad and "There is 1 problem" in text(bad)


def test_the_report_form_in_english(world):
    client = english(world.client("utrecht"), f"{BASE}/aantallen/nieuw")
    page = client.get(f"{BASE}/aantallen/nieuw").get_data(as_text=True)
    assert "<h1>Report counts</h1>" in page and "<legend>Counts per category</legend>" in page
    assert "Reporter (your organisation)" in page and "A school year, such as 2024-2025." in page
    assert "Without suitable provision</label>" in page and "Opslaan" not in page
    data = {"organisation": world.org_id("GM0344"), "municipality": "GM0344", "cat_0": "1234"}
    wrong = client.post(f"{BASE}/aantallen/nieuw", data={**data, "period": "2025-K1"})
    assert wrong.status_code == 400
    assert ("'2025-K1' is a quarter, but region Utrecht reports per school year: enter a school year "
            "(such as 2024-2025).") in text(wrong.get_data(as_text=True))
    saved = client.post(f"{BASE}/aantallen/nieuw", data={**data, "period": P})
    assert saved.status_code == 303
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "The counts for Gemeente Utrecht, 2024-2025 have been saved." in text(shown)
    assert "<td>1,234</td>" in cells_of(shown, "Gemeente Utrecht")  # their own count: as reported
