"""The structure a screen reader relies on, checked on the core's pages as served (Dutch and English).

One h1 and no skipped heading levels; every form control has a label; ids are
unique (so labels and aria-describedby point at one element); every table
has a caption and every header cell a scope; the landmarks are there.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser

import pytest

from core.testing import login, make_user
from tests.core.agreements.conftest import BASE, PARTIES, TERMS_FORM, add_consortium

LABELLED_BY_ITSELF = {"hidden", "submit", "button", "reset"}


class Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.landmarks: set[str] = set()
        self.describedby: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"]] += 1
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in LABELLED_BY_ITSELF:
            self.controls.append(a)
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.add(tag)
        if a.get("aria-describedby"):
            self.describedby += a["aria-describedby"].split()


def problems_of(html: str) -> list[str]:
    s = Structure()
    s.feed(html)
    out = []
    if s.headings.count(1) != 1:
        out.append(f"{s.headings.count(1)} h1 elements")
    for before, after in zip(s.headings, s.headings[1:]):
        if after > before + 1:
            out.append(f"heading level skipped: h{before} then h{after}")
    out += [f"id used {n} times: {i}" for i, n in s.ids.items() if n > 1]
    out += [f"control without a label: {c}" for c in s.controls
            if c.get("id") not in s.label_for and not c.get("aria-label") and not c.get("aria-labelledby")]
    out += [f"aria-describedby names a missing id: {i}" for i in s.describedby if i not in s.ids]
    if s.captions != s.tables:
        out.append(f"{s.tables} tables but {s.captions} captions")
    if s.th_without_scope:
        out.append(f"{s.th_without_scope} header cells without scope")
    out += [f"no <{tag}> landmark" for tag in ("header", "main", "footer") if tag not in s.landmarks]
    return out


@pytest.fixture
def people(app):
    add_consortium(app, "rmc-19", "hello", PARTIES)
    make_user(app, "beheer@example.nl", platform_admin=True)
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer", ends_on=dt.date.today() + dt.timedelta(days=5))
    clients = {}
    for email in ("beheer@example.nl", "coord@example.nl"):
        clients[email] = app.test_client()
        assert login(clients[email], email).status_code == 302
    return clients


def _party_ids(app):
    from sqlalchemy import select

    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return [db_session().scalar(select(Organisation.id).where(Organisation.identifier == p)) for p in PARTIES]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_core_pages_have_one_h1_labels_captions_and_landmarks(app, people, language):
    anonymous = app.test_client()
    admin, coordinator = people["beheer@example.nl"], people["coord@example.nl"]
    for client in (anonymous, admin, coordinator):
        client.post("/taal", data={"taal": language, "next": "/"})
    drafted = coordinator.post(f"{BASE}/nieuw", data={"title": "Groeten", "text": "Tekst",
                                                      "parties": _party_ids(app), **TERMS_FORM})
    assert drafted.status_code == 302
    agreement = drafted.headers["Location"]
    pages = {
        anonymous: ["/inloggen", "/wachtwoord-vergeten", "/toegankelijkheid", "/afspraken/verifieren",
                    "/afspraken/verifieren?vingerafdruk=kort", "/bestaat-niet"],
        admin: ["/", "/account", "/account/wachtwoord", "/account/tweestapsverificatie", "/beheer/",
                "/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/gebruikers/3", "/beheer/organisaties",
                "/beheer/organisaties/nieuw", "/beheer/audit", "/beheer/audit?date_from=x", "/beheer/outbox",
                "/beheer/mandaten"],
        coordinator: ["/regio/rmc-19/", "/regio/rmc-19/afspraken/", f"{BASE}/", f"{BASE}/nieuw", agreement,
                      agreement + "bewerken", agreement + "versies/1/certificaat", "/regio/rmc-19/consortium/hello",
                      "/regio/rmc-19/hello/excel/hello-groeten/"],
    }
    found = {}
    for client, urls in pages.items():
        for url in urls:
            page = client.get(url)
            assert page.status_code in (200, 400, 404), (url, page.status_code)
            problems = problems_of(page.get_data(as_text=True))
            if problems:
                found[url] = problems
    # The same forms with their errors shown: the error summary and the messages at the fields.
    for client, url, data in [(anonymous, "/inloggen", {"email": "x"}),
                              (admin, "/beheer/organisaties/nieuw", {"kind": "werkgever", "identifier": "1"}),
                              (admin, "/beheer/gebruikers/3", {"organisation": "", "role": ""}),
                              (coordinator, f"{BASE}/nieuw", {"title": "", **TERMS_FORM})]:
        problems = problems_of(client.post(url, data=data).get_data(as_text=True))
        if problems:
            found["POST " + url] = problems
    assert not found, found
