"""What a user sees after choosing English: the pages, their messages, numbers and dates in English.

Dutch stays the default: each test also checks the Dutch side where the
difference is the point (numbers, dates, the error summary).
"""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from sqlalchemy import select

from core.testing import login, make_user
from tests.core.agreements.conftest import BASE, PARTIES, TERMS_FORM, add_consortium

REGION = "rmc-19"


def english(client):
    """Choose English with the switch in the header, as a user does."""
    answer = client.post("/taal", data={"taal": "en", "next": "/"})
    assert answer.status_code == 302
    return client


def text_of(page) -> str:
    """The visible text of <main>, whitespace collapsed."""
    source = page.get_data(as_text=True)
    main = source[source.index("<main"):source.index("</main>")]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))).strip()


def summary_links(source: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="error-summary".*?</div>', source, re.S)
    assert block, "no error summary at the top of the form"
    return [(target, html_lib.unescape(text))
            for target, text in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', block.group(0))]


# --- sign-in -----------------------------------------------------------------------------------

def test_the_login_page_in_english(client):
    html = english(client).get("/inloggen").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert '<label for="email">Email address</label>' in html
    assert '<label for="password">Password</label>' in html
    assert "Forgotten your password?" in html and "Skip to content" in html
    for dutch in ("Inloggen", "E-mailadres", "Wachtwoord vergeten", "Naar de inhoud"):
        assert dutch not in html


def test_the_error_summary_in_english_links_to_each_field(client):
    page = english(client).post("/inloggen", data={"email": "", "password": ""})
    html = page.get_data(as_text=True)
    assert "There are 2 problems" in html
    assert summary_links(html) == [("email", "Email address: Enter your email address."),
                                   ("password", "Password: Enter your password.")]
    assert '<span class="visually-hidden">Error:</span> Enter your email address.' in html
    assert "Vul uw" not in html and "problemen" not in html


def test_the_error_summary_stays_dutch_by_default(client):
    html = client.post("/inloggen", data={"email": "geen-adres", "password": ""}).get_data(as_text=True)
    assert "Er zijn 2 problemen" in html
    assert summary_links(html) == [("email", "E-mailadres: Dit is geen geldig e-mailadres."),
                                   ("password", "Wachtwoord: Vul uw wachtwoord in.")]


def test_a_wrong_password_and_signing_out_speak_english(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    english(client)
    html = client.post("/inloggen", data={"email": "lezer@example.nl", "password": "wrong-password-123"}
                       ).get_data(as_text=True)
    assert "There is 1 problem" in html and "Unknown combination of email address and password." in html
    assert login(client, "lezer@example.nl").status_code == 302
    out = client.post("/uitloggen", follow_redirects=True).get_data(as_text=True)
    assert "You have been signed out." in out


def test_a_field_names_its_hint_and_its_error(app, client):
    """aria-describedby points at both the hint and the error, and the field is marked invalid."""
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    login(client, "lezer@example.nl")
    english(client)
    page = client.post("/account/wachtwoord", data={"current": "x", "password": "kort", "confirm": "kort"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    field = re.search(r'<input[^>]*id="password"[^>]*>', html).group(0)
    assert 'aria-describedby="password-hint password-error"' in field and 'aria-invalid="true"' in field
    assert 'id="password-hint">At least 12 characters.' in html
    assert ("password", "New password: A password has at least 12 characters.") in summary_links(html)


# --- the region --------------------------------------------------------------------------------

def test_the_region_overview_in_english(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    login(client, "lezer@example.nl")
    dutch = text_of(client.get(f"/regio/{REGION}/"))
    assert "Instrumenten in deze regio" in dutch and "Deelnemende organisaties" in dutch
    english(client)
    page = client.get(f"/regio/{REGION}/")
    text = text_of(page)
    assert page.status_code == 200
    assert "Instruments in this region" in text and "Participating organisations" in text
    assert re.search(r"\d+ organisations in Utrecht", text)
    assert "Organisation Kind Identifier Coordinator" in text
    assert "municipality" in text and "Gemeente Utrecht" in text  # the kind is translated, the name is not
    assert " yes " in text and " no " in text
    for word in ("Instrumenten", "Deelnemende", "gemeente GM", " ja ", " nee "):
        assert word not in text


# --- agreements --------------------------------------------------------------------------------

def party_ids(app) -> list[int]:
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return [db_session().scalar(select(Organisation.id).where(Organisation.identifier == p)) for p in PARTIES]


@pytest.fixture
def drafted(app):
    """A draft agreement of the test instrument in Utrecht with a budget of 12.500,50 euro."""
    add_consortium(app, REGION, "hello", PARTIES)
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    coordinator = app.test_client()
    assert login(coordinator, "coord@example.nl").status_code == 302
    answer = coordinator.post(f"{BASE}/nieuw", data={"title": "Groetconvenant Utrecht", "text": "Wij groeten.",
                                                      "parties": party_ids(app), **TERMS_FORM})
    assert answer.status_code == 302
    assert coordinator.get(answer.headers["Location"]).status_code == 200  # the (Dutch) notice is read
    return coordinator, answer.headers["Location"]


def test_the_agreements_list_in_english(drafted):
    coordinator, _url = drafted
    english(coordinator)
    text = text_of(coordinator.get(f"{BASE}/"))
    assert "Agreements" in text and "Groetconvenant Utrecht" in text
    assert "Agreement Status Version Signed" in text
    assert "draft" in text and "0 of 3 parties" in text
    assert "Check a fingerprint" in text
    assert "concept" not in text and "partijen" not in text


def test_an_agreement_writes_its_numbers_the_readers_way(drafted):
    coordinator, url = drafted
    dutch = text_of(coordinator.get(url))
    assert "12.500,50" in dutch and "0 van de 3 verplichte partijen hebben versie 1 ondertekend." in dutch
    english(coordinator)
    text = text_of(coordinator.get(url))
    assert "12,500.50" in text and "12.500,50" not in text
    assert "0 of the 3 required parties have signed version 1." in text
    assert "Version 1 · status: draft" in text and "Parties and signatures" in text


def test_the_agreement_form_error_summary_in_english(app, drafted):
    coordinator, _url = drafted
    english(coordinator)
    page = coordinator.post(f"{BASE}/nieuw", data={"title": "", "text": "Tekst", **TERMS_FORM})
    assert page.status_code == 400
    assert summary_links(page.get_data(as_text=True)) == [
        ("title", "Title: Enter a title."),
        ("parties", "Required parties: Choose at least one required party from the consortium.")]
    # A term the template refuses: the template's message, in English too.
    page = coordinator.post(f"{BASE}/nieuw", data={"title": "Groeten", "text": "Tekst", "parties": party_ids(app),
                                                   **TERMS_FORM, "term_0_0": "twaalf"})
    links = dict(summary_links(page.get_data(as_text=True)))
    assert page.status_code == 400 and links["term_0_0"].endswith(": 'twaalf' is not a whole number.")


# --- administration --------------------------------------------------------------------------------

@pytest.fixture
def admin(app):
    make_user(app, "beheer@example.nl", platform_admin=True)
    client = app.test_client()
    assert login(client, "beheer@example.nl").status_code == 302
    return client


def test_the_admin_pages_in_english(app, admin):
    english(admin)
    index = text_of(admin.get("/beheer/"))
    assert "Platform administration" in index and "Users and memberships" in index and "Audit log" in index
    users = text_of(admin.get("/beheer/gebruikers"))
    assert "Add user" in users and re.search(r"\b1 user\b", users)
    assert "Email address Name Memberships Platform administrator" in users and " yes" in users
    organisations = text_of(admin.get("/beheer/organisaties"))
    assert re.search(r"\d+ organisations", organisations) and "municipality" in organisations
    assert "gemeente" not in organisations.replace("Gemeente ", "")


def test_dates_in_the_admin_pages_follow_the_language(app, admin):
    person = make_user(app, "persoon@example.nl", org="GM0344", role="editor", ends_on=dt.date(2027, 6, 30))
    assert "30 juni 2027" in text_of(admin.get(f"/beheer/gebruikers/{person}"))
    english(admin)
    text = text_of(admin.get(f"/beheer/gebruikers/{person}"))
    assert "June 30, 2027" in text and "editor" in text and "invoerder" not in text
    assert "Add or change membership" in text


def test_mandates_that_end_soon_in_english(app, admin):
    from core.identity.models import today

    make_user(app, "bijna@example.nl", org="GM0344", role="signatory", ends_on=today() + dt.timedelta(days=10))
    english(admin)
    text = text_of(admin.get("/beheer/mandaten"))
    assert "Mandates that end" in text and "ends in 10 days" in text and "signatory" in text


def test_the_audit_filter_reports_a_bad_date_in_english(admin):
    english(admin)
    page = admin.get("/beheer/audit", query_string={"date_from": "2024-13-01"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "There is 1 problem" in html
    assert ("date_from", "From date: Not a valid date value.") in summary_links(html)


def test_error_pages_in_english(client):
    english(client)
    page = client.get("/bestaat-niet")
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.get_data(as_text=True)
    assert "<h1>Niet gevonden</h1>" in client.post("/taal", data={"taal": "nl", "next": "/bestaat-niet"},
                                                   follow_redirects=True).get_data(as_text=True)


def test_the_json_certificate_stays_dutch_in_english(drafted):
    """A certificate is a document: its status reads the same whatever language the reader chose."""
    coordinator, url = drafted
    english(coordinator)
    certificate = coordinator.get(url + "versies/1/certificaat.json")
    assert certificate.status_code == 200 and certificate.get_json()["status"] == "concept"
