"""Dutch by default, English on request: the rif pages in the reader's language and money notation,
and the structure a screen reader relies on, in both languages.

One application in rmc-19 with amounts that have cents (hand-computed):
  costs 3.703,50 (one budget line); the maximum subsidy is a third: 1.234,50; requested 1.234,50;
  co-financing must cover 3.703,50 - 1.234,50 = 2.469,00; ROC Midden Nederland pledges 1.000,00 in cash
  and 1.469,00 in kind: covered. At the midterm it delivers 1.000,00 of the 1.469,00 in kind:
  1000 x 100 / 1469 = 68,07..., shown rounded half-up as 68,1%: below the 80% threshold.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.core.i18n.test_page_structure import problems_of

from .conftest import BASE, create, grant, midterm_open, org_id, text

AMOUNTS = dict(subsidy="1.234,50", costs=("3.703,50",), partners=(("25LH", "1.000,00", "1.469,00", False),))


def english(client):
    """Choose English with the switch in the header, as a user does (after reading the Dutch page that shows
    the notices of what the user did before)."""
    client.get(f"{BASE}/")
    answer = client.post("/taal", data={"taal": "en", "next": f"{BASE}/"})
    assert answer.status_code == 302
    return client


def visible(response) -> str:
    """The text of <main> as a reader sees it: no tags, single spaces (the € and its amount keep a plain one)."""
    page = text(response)
    main = page[page.index("<main"):page.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


class _Table(HTMLParser):
    def __init__(self, table_id):
        super().__init__(convert_charrefs=True)
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data.replace("\xa0", " "))


def table(response, table_id: str) -> list[list[str]]:
    parser = _Table(table_id)
    parser.feed(response.get_data(as_text=True))
    assert parser.rows, f"no table {table_id}"
    return parser.rows


def midterm(app, as_, app_id, client):
    """The penvoerder's editor reports the midterm: 1.000,00 of 1.469,00 delivered in kind."""
    from core.db import db_session
    from plugins.rif.models import Partner

    with app.app_context():
        line = db_session().query(Partner).one().id
    answer = client.post(f"{BASE}/{app_id}/verantwoording", data={
        "reflection": "Minder uren dan gepland.", f"delivered_cash_{line}": "1.000,00",
        f"delivered_in_kind_{line}": "1.000,00"})
    assert answer.status_code == 303, text(answer)


# --- Dutch, the default --------------------------------------------------------------------------

def test_the_list_and_the_application_are_dutch_with_dutch_amounts_by_default(app, as_):
    app_id = create(app, as_, **AMOUNTS)
    editor = as_("editor")
    listed = editor.get(f"{BASE}/")
    assert '<html lang="nl">' in text(listed)
    assert table(listed, "rif-aanvragen") == [
        ["Kenmerk", "Titel", "Penvoerder", "Status", "Projectkosten", "Aangevraagde subsidie"],
        ["RIF-MC19-0001", "Zorgtechnologie in de wijk", "ROC Midden Nederland", "Concept", "€ 3.703,50",
         "€ 1.234,50"]]
    page = editor.get(f"{BASE}/{app_id}")
    assert table(page, "rif-financiering") == [
        ["Totale projectkosten", "€ 3.703,50"],
        ["Maximale subsidie (een derde)", "€ 1.234,50"],
        ["Aangevraagde subsidie", "€ 1.234,50 (binnen het maximum)"],
        ["Te dekken door cofinanciering", "€ 2.469,00"],
        ["Bevestigde cofinanciering", "€ 0,00 (in geld € 0,00, in natura € 0,00) (er ontbreekt € 2.469,00)"],
        ["Toegezegde cofinanciering", "€ 2.469,00 (in geld € 1.000,00, in natura € 1.469,00) (dekt de rest)"]]
    shown = visible(page)
    assert "Partners en cofinanciering" in shown and "Kostenpost toevoegen" in shown
    # The amount field is filled in the reader's notation, which the form reads back.
    assert 'value="1.234,50"' in text(editor.get(f"{BASE}/{app_id}/bewerken"))


# --- English on request ----------------------------------------------------------------------------

def test_after_choosing_english_the_list_is_english_with_english_amounts(app, as_):
    create(app, as_, **AMOUNTS)
    client = english(as_("editor"))
    listed = client.get(f"{BASE}/")
    page = text(listed)
    assert '<html lang="en">' in page
    assert "<h1>Regional Investment Fund (RIF)</h1>" in page
    assert table(listed, "rif-aanvragen") == [
        ["Reference", "Title", "Lead applicant", "Status", "Project costs", "Subsidy requested"],
        ["RIF-MC19-0001", "Zorgtechnologie in de wijk", "ROC Midden Nederland", "Draft", "€3,703.50", "€1,234.50"]]
    shown = visible(listed)
    assert "New application" in shown and "Co-financing in Excel (export and import)" in shown
    for dutch in ("Nieuwe aanvraag", "Projectkosten", "penvoerder", "€ 3.703,50"):
        assert dutch not in shown, dutch
    # The navigation names the instrument in English too.
    assert ">Regional Investment Fund (RIF)</a>" in page


def test_after_choosing_english_the_application_page_is_english(app, as_):
    app_id = create(app, as_, **AMOUNTS)
    # Read in Dutch first (the templates are compiled then): the examples in the hints still follow the language.
    assert "In euro, zoals 12.500,00." in visible(as_("editor").get(f"{BASE}/{app_id}"))
    assert "zoals 125.000,00." in visible(as_("editor").get(f"{BASE}/{app_id}/bewerken"))
    client = english(as_("editor"))
    page = client.get(f"{BASE}/{app_id}")
    assert page.status_code == 200
    assert "In euros, such as 12,500.00." in visible(page)
    assert "such as 125,000.00." in visible(client.get(f"{BASE}/{app_id}/bewerken"))
    assert table(page, "rif-financiering") == [
        ["Total project costs", "€3,703.50"],
        ["Maximum subsidy (one third)", "€1,234.50"],
        ["Subsidy requested", "€1,234.50 (within the maximum)"],
        ["To be covered by co-financing", "€2,469.00"],
        ["Confirmed co-financing", "€0.00 (in cash €0.00, in kind €0.00) (€2,469.00 is missing)"],
        ["Pledged co-financing", "€2,469.00 (in cash €1,000.00, in kind €1,469.00) (covers the rest)"]]
    assert table(page, "rif-begroting")[1][:3] == ["Staff (hours of teachers and workplace trainers)", "",
                                                   "€3,703.50"]
    assert table(page, "rif-partners")[0][:4] == ["Partner", "Kind", "SME", "Pledged in cash"]
    shown = visible(page)
    assert "Application RIF-MC19-0001 · lead applicant ROC Midden Nederland (25LH) · status Draft" in shown
    assert "Health and social care" in shown and "Entry level, Level 3" in shown
    assert "Add cost item" in shown and "Add partner" in shown and "Published criteria" in shown
    assert "Sustainability" in shown and "Submit application" not in shown  # the editor does not submit
    assert '<label for="amount">Amount (euros)</label>' in text(page)
    for dutch in ("Financiering", "Begroting", "Kostenpost", "penvoerder", "Duurzaamheid", "€ 1.234,50"):
        assert dutch not in shown, dutch
    assert 'value="1,234.50"' in text(client.get(f"{BASE}/{app_id}/bewerken"))


def test_in_english_messages_and_errors_are_english_with_english_amounts(app, as_):
    app_id = create(app, as_, subsidy="1.234,51", costs=("3.703,50",),
                    partners=(("25LH", "1.000,00", "1.469,00", False),))
    editor, signatory = english(as_("editor")), english(as_("signatory"))
    refused = signatory.post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert refused.status_code == 400
    shown = visible(refused)
    assert "There are 3 problems" in shown  # the pledge is not confirmed, so the co-financing is short too
    assert "The pledge of ROC Midden Nederland has not been confirmed yet" in shown
    assert ("The subsidy requested (€1,234.51) is more than one third of the project costs (€3,703.50); "
            "the maximum is €1,234.50.") in shown
    assert "Dit kan nog niet" not in shown and "aangevraagde subsidie" not in shown
    # A wrong amount: the error summary at the top links to the field, in English.
    wrong = editor.post(f"{BASE}/{app_id}/begroting", data={"category": "personeel", "amount": "12,345"})
    assert wrong.status_code == 400
    html = text(wrong)
    assert ('<li><a href="#amount">Amount (euros): \'12,345\' is not an amount in euros with at most two '
            'decimals (for example 12,500.00)</a></li>') in html
    assert html.index('class="error-summary"') < html.index('id="financiering"')  # right after the h1
    added = editor.post(f"{BASE}/{app_id}/begroting", data={"category": "overig", "amount": "1.500,25"})
    assert added.status_code == 303
    assert "Cost item of €1,500.25 added." in visible(editor.get(added.headers["Location"]))


def test_in_english_removing_a_line_and_appointing_an_assessor_are_confirmed_in_english(app, as_):
    from core.db import db_session
    from plugins.rif.models import BudgetLine

    app_id = create(app, as_, **AMOUNTS)
    editor, coordinator = english(as_("editor")), english(as_("coordinator"))
    with app.app_context():
        line = db_session().query(BudgetLine).one().id
    page = visible(editor.get(f"{BASE}/{app_id}"))
    assert "Remove cost item Staff (hours of teachers and workplace trainers) of €3,703.50" in page
    removed = editor.post(f"{BASE}/{app_id}/verwijderen", data={"line": f"budget-{line}"})
    assert removed.status_code == 303
    page = visible(editor.get(removed.headers["Location"]))
    assert "The line has been removed." in page and "No cost items yet." in page

    added = coordinator.post(f"{BASE}/beoordelaars", data={"email": "assessor@rif.example"})
    assert added.status_code == 303
    assert "assessor@rif.example is now an assessor in region Utrecht." in visible(coordinator.get(f"{BASE}/beoordelaars"))
    again = coordinator.post(f"{BASE}/beoordelaars", data={"email": "assessor@rif.example"})
    assert again.status_code == 400
    assert "assessor@rif.example is already an assessor in this region." in visible(again)


@midterm_open()
def test_after_choosing_english_the_overview_is_english_and_marks_low_deliveries_in_words(app, as_):
    app_id = create(app, as_, **AMOUNTS)
    grant(app, as_, app_id)
    midterm(app, as_, app_id, as_("editor"))
    dutch = as_("coordinator").get(f"{BASE}/overzicht")
    assert table(dutch, "rif-sectoren")[1] == ["Zorg en welzijn", "1", "€ 1.234,50"]
    assert table(dutch, "rif-in-natura-projecten")[1] == [
        "RIF-MC19-0001 Zorgtechnologie in de wijk", "1 van de 1 partner", "€ 1.469,00", "€ 1.000,00",
        "68,1% (onder 80%)"]
    assert "<mark>68,1% (onder 80%)</mark>" in text(dutch)

    client = english(as_("coordinator"))
    page = client.get(f"{BASE}/overzicht")
    html = text(page)
    assert '<html lang="en">' in html and "<h1>Regional Investment Fund overview – Utrecht</h1>" in html
    assert table(page, "rif-sectoren") == [["Sector", "Applications", "Subsidy granted"],
                                           ["Health and social care", "1", "€1,234.50"]]
    assert table(page, "rif-in-natura-projecten") == [
        ["Project", "Accounted for by", "Pledged", "Delivered", "Delivered (%)"],
        ["RIF-MC19-0001 Zorgtechnologie in de wijk", "1 of the 1 partner", "€1,469.00", "€1,000.00",
         "68.1% (below 80%)"]]
    assert "<mark>68.1% (below 80%)</mark>" in html  # marked, and said in words: not by colour alone
    # Each chart speaks English and has the table with the same numbers beside it.
    assert html.count('<div class="chart-with-table">') == 2 and html.count('role="img"') == 2
    assert "Applications per sector</title>" in html and "Co-financing in kind per project</title>" in html
    shown = visible(page)
    assert "Projects with the entry-level target group 1 of 1 (100.0%)" in shown
    assert "€107.6 million in subsidy" in shown
    for dutch in ("Aanvragen", "Toegezegd", "onder 80%", "€ 1.234,50", "miljoen"):
        assert dutch not in shown, dutch
    # The region's dashboard card too.
    card = visible(client.get("/regio/rmc-19/"))
    assert "1 submitted application, of which 1 granted (€1,234.50 subsidy)." in card
    assert "Regional Investment Fund overview" in card


@midterm_open()
def test_the_midterm_page_marks_a_low_delivery_in_words_in_both_languages(app, as_):
    app_id = create(app, as_, **AMOUNTS)
    grant(app, as_, app_id)
    midterm(app, as_, app_id, as_("editor"))
    assert "68,1% (onder 80%)" in table(as_("editor").get(f"{BASE}/{app_id}"), "rif-partners")[1]
    english(as_("editor"))
    row = table(as_("editor").get(f"{BASE}/{app_id}"), "rif-partners")[1]
    assert row[1:5] + row[6:] == ["mbo institution", "no", "€1,000.00", "€1,469.00", "€1,000.00", "€1,000.00",
                                  "68.1% (below 80%)"]
    assert row[5].startswith("yes, by signatory on ")


# --- structure ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["nl", "en"])
@midterm_open()
def test_rif_pages_have_one_h1_labels_captions_and_scopes(app, as_, language):
    """Every rif page type, also with the forms' errors shown: one h1, no skipped heading level, every
    control labelled, unique ids, a caption on every table and a scope on every header cell."""
    app_id = create(app, as_, **AMOUNTS)
    draft = create(app, as_, **AMOUNTS)  # stays a concept: its forms are on the page
    grant(app, as_, app_id)
    for name in ("editor", "coordinator", "assessor"):
        as_(name).post("/taal", data={"taal": language, "next": "/"})
    editor, coordinator = as_("editor"), as_("coordinator")
    from tests.rif.test_platform import load_demo, platform_admin

    load_demo(app)
    admin = platform_admin(app)
    admin.post("/taal", data={"taal": language, "next": "/"})
    pages = {
        "list": editor.get(f"{BASE}/"), "new": editor.get(f"{BASE}/nieuw"), "edit": editor.get(f"{BASE}/{draft}/bewerken"),
        "concept": editor.get(f"{BASE}/{draft}"), "granted": editor.get(f"{BASE}/{app_id}"),
        "overview": coordinator.get(f"{BASE}/overzicht"), "assessors": coordinator.get(f"{BASE}/beoordelaars"),
        "platform": admin.get(f"{BASE}/landelijk"),
        "new with errors": editor.post(f"{BASE}/nieuw", data={"organisation": org_id(app, "25LH"), "title": ""}),
        "budget with errors": editor.post(f"{BASE}/{draft}/begroting", data={"amount": "x"}),
        "partner with errors": editor.post(f"{BASE}/{draft}/partners", data={"pledged_cash": "-"}),
        "midterm with errors": editor.post(f"{BASE}/{app_id}/verantwoording", data={"reflection": ""}),
        "assessors with errors": coordinator.post(f"{BASE}/beoordelaars", data={"email": "geen-adres"}),
        # no reflection yet: the step is refused with its problems at the top
        "refused step": as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "tussentijdse_verantwoording"}),
    }
    found = {}
    for name, page in pages.items():
        assert page.status_code == (400 if "error" in name or "refused" in name else 200), (name, page.status_code)
        problems = problems_of(page.get_data(as_text=True))
        if problems:
            found[name] = problems
    assert not found, found
    # The error summary of a form with errors comes right after the h1 and links to each field.
    html = text(pages["new with errors"])
    assert re.search(r"</h1>\s*<div class=\"error-summary\"", html)
    for field in ("title", "description", "sectors", "target_groups", "start", "end"):
        assert f'href="#{field}"' in html and f'id="{field}"' in html, field
    # A group of checkboxes is a fieldset with a legend, not a label pointing at a list.
    assert re.search(r'<fieldset[^>]*id="sectors"', html) and '<label for="sectors">' not in html


def test_the_documents_keep_the_dutch_cost_categories(app):
    """The agreement (a signed document) writes the Dutch names; the pages translate the same names."""
    from plugins.rif.rules import COST_CATEGORIES, COST_CATEGORY_NAMES

    with app.test_request_context():
        assert {key: str(label) for key, label in COST_CATEGORIES.items()} == COST_CATEGORY_NAMES
    with app.test_request_context(headers={"Cookie": "taal=en"}):
        assert str(COST_CATEGORIES["overig"]) == "Other costs" and COST_CATEGORY_NAMES["overig"] == "Overige kosten"


@midterm_open()
def test_a_project_whose_partners_have_not_all_accounted_for_their_delivery_is_not_judged(app, as_):
    """Two partners pledged in kind, one reported: the sum is partial, so no 'onder 80%' and the other is named."""
    from core.db import db_session
    from plugins.rif.models import Partner

    app_id = create(app, as_)  # 25LH pledges 50.000,00 in kind, 90000012 100.000,00
    grant(app, as_, app_id)
    with app.app_context():
        lines = {p.partner.identifier: p.id for p in db_session().query(Partner)}
    editor = as_("editor")
    answer = editor.post(f"{BASE}/{app_id}/verantwoording", data={
        "reflection": "Halverwege.", f"delivered_in_kind_{lines['25LH']}": "30.000,00"})
    assert answer.status_code == 303, text(answer)
    page = as_("coordinator").get(f"{BASE}/overzicht")
    row = table(page, "rif-in-natura-projecten")[1]
    assert row[1] == "1 van de 2 partners" and row[3] == "€ 30.000,00"
    assert row[4] == "20,0%, nog niet compleet (Ontbreekt: Zorggroep Vecht en Rijn (fictieve demowerkgever))"
    # (a partner's own row sums only its own lines: 25LH delivered 60,0% of its pledge, marked there)
