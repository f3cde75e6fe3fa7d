"""A region with a consortium, a coordinator and signatories, and helpers to drive agreements through the client.

Region rmc-19 (Utrecht), instrument `hello` (the test plugin, whose template has
structured terms). Required parties: the municipalities Utrecht (GM0344) and
De Bilt (GM0310) and the mbo institution 01OE. Another region (rmc-29) has
its own signatory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, login, make_user

REGION = "rmc-19"
INSTRUMENT = "hello"
PARTIES = ("GM0344", "GM0310", "01OE")
BASE = f"/regio/{REGION}/afspraken/{INSTRUMENT}"
FINGERPRINT_RE = re.compile(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"')

TERMS_FORM = {
    "term_0_0": "12",  # greetings_per_year
    "term_1_0": "100",  # target 2025-2026
    "term_1_1": "90",  # target 2026-2027
    "term_2_0": "12500,50",  # budget
}


@dataclass
class World:
    app: object
    users: dict[str, int] = field(default_factory=dict)
    clients: dict[str, object] = field(default_factory=dict)

    def client(self, email: str):
        """A signed-in test client for `email` (one per user, created on first use)."""
        if email not in self.clients:
            client = self.app.test_client()
            response = login(client, email)
            assert response.status_code == 302, response.get_data(as_text=True)
            self.clients[email] = client
        return self.clients[email]

    def org_id(self, identifier: str) -> int:
        from core.db import db_session
        from core.orgs.models import Organisation

        with self.app.app_context():
            return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


def add_consortium(app, region_slug: str, instrument: str, identifiers) -> None:
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == region_slug))
        for ident in identifiers:
            org = session.scalar(select(Organisation).where(Organisation.identifier == ident))
            session.add(ConsortiumMember(region_id=region.id, instrument_key=instrument, organisation_id=org.id,
                                         role="deelnemer"))
        session.commit()


@pytest.fixture
def world(app):
    add_consortium(app, REGION, INSTRUMENT, PARTIES)
    w = World(app)
    w.users["coord"] = make_user(app, "coord@example.nl", org="MC19", role="admin")
    w.users["utrecht"] = make_user(app, "teken-utrecht@example.nl", org="GM0344", role="signatory")
    w.users["debilt"] = make_user(app, "teken-debilt@example.nl", org="GM0310", role="signatory")
    w.users["mbo"] = make_user(app, "teken-mbo@example.nl", org="01OE", role="signatory")
    w.users["viewer"] = make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    w.users["editor"] = make_user(app, "invoer@example.nl", org="GM0344", role="editor")
    w.users["nonparty"] = make_user(app, "teken-zeist@example.nl", org="GM0355", role="signatory")
    w.users["rotterdam"] = make_user(app, "teken-rotterdam@example.nl", org="GM0599", role="signatory")
    return w


SIGNERS = {"GM0344": "teken-utrecht@example.nl", "GM0310": "teken-debilt@example.nl", "01OE": "teken-mbo@example.nl"}


def draft(world, *, title="Groetconvenant Utrecht", text="# Afspraak\n\nWij groeten elkaar.", parties=PARTIES,
          terms=None, expect=302) -> int:
    """Create a concept through the form as the coordinator; returns the agreement id."""
    client = world.client("coord@example.nl")
    data = {"title": title, "text": text, "parties": [world.org_id(p) for p in parties], **(terms or TERMS_FORM)}
    response = client.post(f"{BASE}/nieuw", data=data)
    assert response.status_code == expect, response.get_data(as_text=True)
    if expect != 302:
        return 0
    match = re.search(r"/afspraken/hello/(\d+)/$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def current_fingerprint(world, agreement_id: int, email: str = "coord@example.nl") -> str:
    from core.agreements.models import Agreement
    from core.db import db_session

    with world.app.app_context():
        agreement = db_session().get(Agreement, agreement_id)
        return (agreement.open_version or agreement.latest).fingerprint


def send(world, agreement_id: int) -> None:
    client = world.client("coord@example.nl")
    response = client.post(f"{BASE}/{agreement_id}/versturen", data={"basis": current_fingerprint(world, agreement_id)})
    assert response.status_code == 302


def drafted_and_sent(world, **kwargs) -> int:
    agreement_id = draft(world, **kwargs)
    send(world, agreement_id)
    return agreement_id


def seen_fingerprint(client, agreement_id: int) -> str:
    """The fingerprint the sign form on the agreement page carries."""
    page = client.get(f"{BASE}/{agreement_id}/")
    assert page.status_code == 200
    match = FINGERPRINT_RE.search(page.get_data(as_text=True))
    assert match, "no sign form on the page"
    return match.group(1)


def sign(client, agreement_id: int, organisation_id: int, fingerprint: str, password: str = DEFAULT_PASSWORD,
         agree: bool = True):
    data = {"organisation": organisation_id, "fingerprint": fingerprint, "password": password}
    if agree:
        data["agree"] = "y"
    return client.post(f"{BASE}/{agreement_id}/ondertekenen", data=data)


def sign_as(world, identifier: str, agreement_id: int):
    client = world.client(SIGNERS[identifier])
    return sign(client, agreement_id, world.org_id(identifier), seen_fingerprint(client, agreement_id))


def edit(world, agreement_id: int, *, text: str, title="Groetconvenant Utrecht", parties=PARTIES, terms=None,
         basis: str | None = None, client=None):
    client = client or world.client("coord@example.nl")
    data = {"title": title, "text": text, "parties": [world.org_id(p) for p in parties],
            "basis": basis or current_fingerprint(world, agreement_id), **(terms or TERMS_FORM)}
    return client.post(f"{BASE}/{agreement_id}/bewerken", data=data)


def load(world, agreement_id: int):
    """The agreement with its versions, signatures and events, loaded fresh."""
    from core.agreements.models import Agreement
    from core.db import db_session

    with world.app.app_context():
        session = db_session()
        agreement = session.get(Agreement, agreement_id)
        for version in agreement.versions:
            version.signatures, version.party_rows, version.in_force_event  # noqa: B018 - load while open
        session.expunge_all()
        return agreement


def outbox(world):
    from core.db import db_session
    from core.mail import OutboxMessage

    with world.app.app_context():
        return db_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
