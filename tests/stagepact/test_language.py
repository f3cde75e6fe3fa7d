"""Dutch by default, English on request: the stagepact pages in the reader's language and number format.

Two institutions in rmc-19 report on 2024-2025 (hand-computed):
  25LH: meldpunt ja,  procedure ja, 1200 ontvangen, 1000 afgehandeld, 300 doorgezet, teams 600 van 1500
  01OE: meldpunt nee, procedure ja,   34 ontvangen,   34 afgehandeld,   0 doorgezet, teams   3 van   10
Totals: 2 instellingen; meldpunt 1 van 2 = 50,0%; procedure 2 van 2 = 100,0%; 1234 ontvangen,
1034 afgehandeld = 83,8%, 300 doorgezet = 24,3%; teams 603 van 1510 = 39,9%.
"""
from __future__ import annotations

import html

from .conftest import BASE, form, org_id, row, table

ROWS = [
    row("25LH", received=1200, handled=1000, forwarded=300, matching=600, teams=1500),
    row("01OE", desk="nee", received=34, handled=34, forwarded=0, matching=3, teams=10),
]


def english(client):
    answer = client.post("/taal", data={"taal": "en", "next": f"{BASE}/"})
    assert answer.status_code == 302
    return client


def text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def test_the_dashboard_is_dutch_with_dutch_numbers_by_default(app, imported, client_of):
    assert imported(ROWS).exit_code == 0
    page = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Regio in cijfers" in page and "Cijfers per instelling" in page
    assert table(page, "stagepact-meldingen") == [
        ["Schooljaar", "Instellingen", "Ontvangen", "Afgehandeld", "Afgehandeld (%)", "Doorgezet naar SBB",
         "Doorgezet (%)"],
        ["2024-2025", "2 van de 5 instellingen", "1.234", "1.034", "83,8", "300", "24,3"]]
    assert table(page, "stagepact-aandelen")[1] == ["2024-2025", "1 van 2", "50,0", "2 van 2", "100,0", "603",
                                                    "1.510", "39,9"]
    overview = text(client_of("gemeente").get("/regio/rmc-19/"))
    assert ("In 2024-2025 rapporteerden 2 mbo-instellingen: 1 met een meldpunt, 1.234 meldingen van "
            "stagediscriminatie ontvangen, 300 doorgezet naar SBB; 39,9% van de teams werkt met stagematching."
            ) in overview


def test_after_choosing_english_the_dashboard_is_english_with_english_numbers(app, imported, client_of):
    assert imported(ROWS).exit_code == 0
    client = english(client_of("gemeente"))
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>MBO Internship Pact" in page
    assert "The region in figures" in page and "Figures per institution" in page
    assert "Regio in cijfers" not in page and "Meldingen van stagediscriminatie" not in page
    assert table(page, "stagepact-meldingen") == [
        ["School year", "Institutions", "Received", "Handled", "Handled (%)", "Forwarded to SBB", "Forwarded (%)"],
        ["2024-2025", "2 of the 5 institutions", "1,234", "1,034", "83.8", "300", "24.3"]]
    assert table(page, "stagepact-aandelen")[1] == ["2024-2025", "1 of 2", "50.0", "2 of 2", "100.0", "603",
                                                    "1,510", "39.9"]
    assert table(page, "stagepact-maatregelen")[0][0] == "Kind of measure"
    assert table(page, "stagepact-maatregelen")[-1][0] == "Other measures (free text)"
    # The charts speak English too (their title and the names of the series).
    assert "<title id=\"chart-" in page and "Reports of internship discrimination per school year</title>" in page
    assert "Institutions with a reporting desk" in page
    # The region overview's widget and the navigation follow the choice.
    overview = text(client.get("/regio/rmc-19/"))
    assert ("In 2024-2025, 2 MBO institutions reported: 1 with a reporting desk, 1,234 reports of internship "
            "discrimination received, 300 forwarded to SBB; 39.9% of the teams use internship matching.") in overview
    assert "MBO Internship Pact in Utrecht" in overview


def test_after_choosing_english_the_form_its_messages_and_the_report_are_english(app, client_of):
    client = english(client_of("roc"))
    page = text(client.get(f"{BASE}/rapportage/nieuw"))
    assert "MBO Internship Pact report" in page
    for words in ('<label for="reports_received">Reports received</label>', "Reporting desk and procedure",
                  "Choose yes or no", "Measures taken", "Other measures", '<button type="submit" class="button">Save'):
        assert words in page, words
    assert "Meldingen ontvangen" not in page and "Opslaan" not in page and "Kies ja of nee" not in page

    wrong = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), handled="1100",
                                                             received="1050"))
    assert wrong.status_code == 400
    wrong = text(wrong)
    assert 'href="#reports_handled"' in wrong
    assert "Reports handled (1,100) is more than reports received (1,050)." in wrong
    empty = text(client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), received="", desk="")))
    assert "Enter a number for Reports received (0 if there are none)." in empty
    assert "Choose yes or no for Reporting desk." in empty

    saved = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), matching="1234", teams="2000"))
    assert saved.status_code == 303
    shown = text(client.get(saved.headers["Location"]))
    assert "The report for 2024-2025 has been saved." in shown
    assert "1,234 of 2,000 (61.7%)" in shown
    assert "Change the report" in shown and "Save changes" in shown


def test_in_dutch_the_report_shows_dutch_numbers(app, client_of):
    client = client_of("roc")
    saved = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), matching="1234", teams="2000"))
    shown = text(client.get(saved.headers["Location"]))
    assert "De rapportage over 2024-2025 is opgeslagen." in shown
    assert "1.234 van 2.000 (61,7%)" in shown
    wrong = text(client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), year="2023-2024",
                                                                   handled="1100", received="1050")))
    assert "Meldingen afgehandeld (1.100) is groter dan meldingen ontvangen (1.050)." in wrong


def test_in_dutch_the_form_labels_are_the_excel_headers(app):
    """The form translates its labels; the workbook keeps the Dutch headers. In Dutch the two are the same."""
    from plugins.stagepact.forms import LABELS
    from plugins.stagepact.sheets import SPEC

    with app.test_request_context():
        assert {key: str(label) for key, label in LABELS.items()} == {key: SPEC.column(key).header for key in LABELS}
