"""Every page type, in Dutch and in English, checked by axe-core: zero WCAG 2.0/2.1 A and AA violations.

Each page is also saved as a screenshot in `screenshots/` for people to look at.
"""
from __future__ import annotations

import re

import pytest

from tests import plugin_matrix
from tests.browser import axe
from tests.browser.conftest import leave, screenshot

REGION = "/regio/rmc-19"


def assert_charts_are_described_and_tabled(page) -> None:
    """Every chart is an SVG image with a title and a description, and the page has a table beside it."""
    charts = page.locator("main svg")
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img", f"chart {index} on {page.url} is not role=img"
        assert chart.locator(":scope > title").count() == 1 and chart.locator(":scope > desc").count() == 1, \
            f"chart {index} on {page.url} lacks a <title> or <desc>"
        assert chart.locator(":scope > title").text_content().strip(), f"chart {index} on {page.url} has an empty title"
    if charts.count():
        assert page.locator("main table").count() >= 1, f"{page.url} shows a chart without a table of its numbers"


def first_link(pattern: str):
    """A page reached by following the first link whose address matches `pattern` on `start`."""
    def find(page, start: str) -> str:
        page.goto(start)
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
            if re.search(pattern, href):
                return href
        raise AssertionError(f"no link matching {pattern} on {start}")
    return find


# (screenshot name, demo account or None for signed out, address or (start page, link finder))
def titled(title: str, suffix: str):
    """The page the list links as `title` (an application reference), plus `suffix` (e.g. a step of the form)."""
    def find(page, start: str) -> str:
        page.goto(start)
        return page.get_by_role("link", name=title, exact=True).first.get_attribute("href") + suffix
    return find


PAGES = [
    ("inloggen", None, "/inloggen"),
    ("wachtwoord-vergeten", None, "/wachtwoord-vergeten"),
    ("toegankelijkheid", None, "/toegankelijkheid"),
    ("privacy", None, "/privacy"),
    ("afspraak-verifieren", None, "/afspraken/verifieren"),
    ("start", "coordinator.utrecht", "/"),
    ("regio", "coordinator.utrecht", f"{REGION}/"),
    ("consortium", "coordinator.utrecht", f"{REGION}/consortium/vsv"),
    ("vsv-dashboard", "coordinator.utrecht", f"{REGION}/vsv/"),
    ("vsv-cijfers", "coordinator.utrecht", f"{REGION}/vsv/cijfers"),
    ("vsv-invoeren", "invoer.gemeente-utrecht", f"{REGION}/vsv/cijfers/invoeren"),
    ("vsv-excel", "invoer.gemeente-utrecht", f"{REGION}/vsv/excel/vsv-cijfers/"),
    ("rif-aanvragen", "coordinator.utrecht", f"{REGION}/rif/"),
    ("rif-overzicht", "coordinator.utrecht", f"{REGION}/rif/overzicht"),
    ("rif-aanvraag", "coordinator.utrecht", (f"{REGION}/rif/", first_link(r"/rif/\d+$"))),
    ("rif-nieuw", "invoer.roc-midden-nederland", f"{REGION}/rif/nieuw"),
    ("rif-beoordelaars", "coordinator.utrecht", f"{REGION}/rif/beoordelaars"),
    # the stepwise application (the demo concept whose pledges are confirmed) and the ministry's decision form
    ("rif-stap-documenten", "beheer.zadkine", ("/regio/rmc-29/rif/", titled("RIF-MC29-0003", "/stap/documenten"))),
    ("rif-stap-financieel", "beheer.zadkine", ("/regio/rmc-29/rif/", titled("RIF-MC29-0003", "/stap/financieel"))),
    ("rif-stap-verzenden", "beheer.zadkine", ("/regio/rmc-29/rif/", titled("RIF-MC29-0003", "/stap/verzenden"))),
    ("rif-besluit", "ministerie", ("/regio/rmc-29/rif/", titled("RIF-MC29-0002", ""))),
    ("stagepact-dashboard", "coordinator.utrecht", f"{REGION}/stagepact/"),
    ("stagepact-nieuw", "invoer.roc-midden-nederland", f"{REGION}/stagepact/rapportage/nieuw"),
    ("kj-dashboard", "coordinator.utrecht", f"{REGION}/kwetsbare_jongeren/"),
    ("kj-aanpak", "coordinator.utrecht", f"{REGION}/kwetsbare_jongeren/aanpak"),
    ("kj-aantallen", "invoer.gemeente-utrecht", f"{REGION}/kwetsbare_jongeren/aantallen/nieuw"),
    ("kalender", "coordinator.utrecht", f"{REGION}/kalender?wanneer=alle"),
    ("afspraken", "coordinator.utrecht", f"{REGION}/afspraken/"),
    ("afspraken-vsv", "coordinator.utrecht", f"{REGION}/afspraken/vsv/"),
    ("afspraak-nieuw", "coordinator.utrecht", f"{REGION}/afspraken/vsv/nieuw"),
    ("afspraak", "coordinator.utrecht", (f"{REGION}/afspraken/vsv/", first_link(r"/afspraken/\w+/\d+/$"))),
    ("account", "invoer.gemeente-utrecht", "/account"),
    ("herinneringen", "invoer.gemeente-utrecht", "/account/herinneringen"),
    ("wachtwoord-wijzigen", "invoer.gemeente-utrecht", "/account/wachtwoord"),
    ("tweestapsverificatie", "invoer.gemeente-utrecht", "/account/tweestapsverificatie"),
    ("niet-gevonden", "invoer.gemeente-utrecht", "/regio/rmc-29/vsv/cijfers/999999"),
    ("landelijk", "ministerie", "/landelijk/"),
    ("openbaar-beheer", "coordinator.utrecht", f"{REGION}/openbaar"),
    ("openbaar", None, "/openbaar/rmc-19/"),
    ("beheer", "beheerder", "/beheer/"),
    ("beheer-gebruikers", "beheerder", "/beheer/gebruikers"),
    ("beheer-gebruiker", "beheerder", ("/beheer/gebruikers", first_link(r"/beheer/gebruikers/\d+$"))),
    ("beheer-gebruiker-nieuw", "beheerder", "/beheer/gebruikers/nieuw"),
    ("beheer-organisaties", "beheerder", "/beheer/organisaties"),
    ("beheer-organisatie-nieuw", "beheerder", "/beheer/organisaties/nieuw"),
    ("beheer-mandaten", "beheerder", "/beheer/mandaten"),
    ("beheer-audit", "beheerder", "/beheer/audit"),
    ("beheer-outbox", "beheerder", "/beheer/outbox"),
]
# An instrument adds its own pages in its matrix.py (tests/plugin_matrix.py): BROWSER_PAGES in the form above,
# BROWSER_ENGLISH the names of those also checked in English. A new instrument then edits nothing here.
_MATRICES = plugin_matrix.matrix_modules().values()
PAGES += [page for module in _MATRICES for page in getattr(module, "BROWSER_PAGES", ())]


def _open(browser, signed_in, demo_server, account, language):
    context = signed_in(account) if account else browser.new_context(base_url=demo_server.base_url)
    page = context.new_page()
    # the language switch is a cookie; set it the way the switch does
    context.add_cookies([{"name": "taal", "value": language, "url": demo_server.base_url}])
    return page, context


# Every page in Dutch (the default); in English the page types whose text differs most.
ENGLISH = {"inloggen", "toegankelijkheid", "privacy", "regio", "vsv-dashboard", "vsv-invoeren", "rif-aanvraag", "rif-stap-documenten",
           "stagepact-dashboard", "kj-dashboard", "afspraak", "account", "beheer-gebruikers", "kalender",
           "landelijk", "openbaar"}
ENGLISH |= {name for module in _MATRICES for name in getattr(module, "BROWSER_ENGLISH", ())}
CASES = [(*page, "nl") for page in PAGES] + [(*page, "en") for page in PAGES if page[0] in ENGLISH]


@pytest.mark.parametrize("name,account,where,language", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_page_has_no_wcag_violations(browser, signed_in, demo_server, name, account, where, language):
    page, context = _open(browser, signed_in, demo_server, account, language)
    try:
        address = where[1](page, where[0]) if isinstance(where, tuple) else where
        response = page.goto(address)
        expected = 404 if name == "niet-gevonden" else 200
        assert response.status == expected, f"{address} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, f"{address} must have exactly one h1"
        screenshot(page, f"{name}-{language}")
        assert_charts_are_described_and_tabled(page)
        found = axe.violations(page)
        assert not found, axe.report(page, found)
    finally:
        leave(context if account is None else page)


def _job(demo_server, local: str, state: str, age_minutes: int) -> str:
    """A background job of the demo account `local` on the vsv sheet in rmc-19, as a worker leaves it."""
    import datetime as dt

    from sqlalchemy import select

    from core.db import db_session, utcnow
    from core.identity.models import User
    from core.jobs import runner
    from core.regions.models import Region

    with demo_server.app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == demo_server.email(local)))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        job = runner.create(session, kind="excel.upload", owner=user, region=region, instrument="vsv",
                            sheet="vsv-cijfers", locale="nl", options={"filename": "cijfers.xlsx"})
        job.state, job.created_at = state, utcnow() - dt.timedelta(minutes=age_minutes)
        job.rows_read = job.rows_validated = 48_000
        session.commit()
        return job.token


@pytest.mark.parametrize("state,age,name", [("running", 0, "taak-bezig"), ("running", 24 * 60, "taak-afgebroken")])
def test_job_progress_page_has_no_wcag_violations(signed_in, demo_server, state, age, name):
    page = signed_in("invoer.gemeente-utrecht").new_page()
    try:
        token = _job(demo_server, "invoer.gemeente-utrecht", state, age)
        # automatic refreshing stopped (the page's own link), so that axe sees one page
        response = page.goto(f"{REGION}/vsv/excel/vsv-cijfers/taak/{token}/?verversen=uit")
        assert response.status == 200
        assert page.locator("[role=status]").count() >= 1 and page.locator("h1").count() == 1
        screenshot(page, name)
        found = axe.violations(page)
        assert not found, axe.report(page, found)
    finally:
        leave(page)
