"""Dutch first, English on request: the language switch, the catalogues, Dutch formatting."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from core.config import PROJECT_ROOT
from core.i18n import COOKIE, date_time, euro, long_date, number, percentage
from core.translation_catalogues import TRANSLATED_LANGUAGES, Package, missing, packages
from tests.plugin_matrix import plugin_packages


def test_pages_are_dutch_by_default(client):
    page = client.get("/toegankelijkheid")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="nl">' in html
    assert "Naar de inhoud" in html and "Toegankelijkheidsverklaring" in html


def test_choosing_english_is_remembered_and_returns_to_the_same_page(client):
    answer = client.post("/taal", data={"taal": "en", "next": "/toegankelijkheid"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/toegankelijkheid")
    assert f"{COOKIE}=en" in answer.headers["Set-Cookie"]
    html = client.get("/toegankelijkheid").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Skip to content" in html and "Accessibility statement" in html
    assert "Naar de inhoud" not in html
    # the switch now offers Dutch, in Dutch
    assert 'lang="nl"' in html and "Nederlands" in html

    client.post("/taal", data={"taal": "nl", "next": "/toegankelijkheid"})
    assert "Naar de inhoud" in client.get("/toegankelijkheid").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_switch_only_returns_to_a_page_of_this_site(client, target):
    answer = client.post("/taal", data={"taal": "en", "next": target})
    assert answer.status_code == 302
    assert answer.headers["Location"] in ("/", "http://localhost/")


def test_an_unknown_language_changes_nothing(client):
    answer = client.post("/taal", data={"taal": "fr", "next": "/toegankelijkheid"})
    assert "Set-Cookie" not in answer.headers or f"{COOKIE}=" not in answer.headers["Set-Cookie"]
    assert '<html lang="nl">' in client.get("/toegankelijkheid").get_data(as_text=True)


def test_the_switch_needs_a_csrf_token(csrf_app):
    answer = csrf_app.test_client().post("/taal", data={"taal": "en", "next": "/"})
    assert answer.status_code == 400


def _formatted(app, language):
    with app.test_request_context(headers={"Cookie": f"{COOKIE}={language}"}):
        return (number(1234), number(Decimal("1234.5"), 1), percentage(12.5), euro(Decimal("1234.5")),
                long_date(date(2025, 3, 3)), date_time(datetime(2025, 3, 3, 13, 5)))


def test_numbers_and_dates_are_written_the_dutch_way(app):
    assert _formatted(app, "nl") == ("1.234", "1.234,5", "12,5%", "€\xa01.234,50", "3 maart 2025", "3 maart 2025 14:05")


def test_numbers_and_dates_follow_the_chosen_language(app):
    assert _formatted(app, "en") == ("1,234", "1,234.5", "12.5%", "€1,234.50", "March 3, 2025", "3 March 2025 14:05")


def every_package() -> list[Package]:
    """The core and every plugin package: those in this repository and every registered one, wherever it is."""
    found = {p.root.resolve(): p for p in packages(PROJECT_ROOT)}
    for key, root in plugin_packages().items():
        found.setdefault(root.resolve(), Package(key, root))
    return list(found.values())


@pytest.mark.parametrize("package", every_package(), ids=lambda p: p.name)
def test_every_marked_text_has_an_english_translation(package):
    problems = [line for language in TRANSLATED_LANGUAGES for line in missing(package, language)]
    assert not problems, ("texts without a translation (run `regio translations update`, then translate):\n"
                          + "\n".join(problems))
