"""Organisations with admins in two regions, and helpers to make API tokens through the token page."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from core.testing import login, make_user

SECRET_RE = re.compile(r"<code>(rp_[A-Za-z0-9_-]+)</code>")


@dataclass
class World:
    app: object
    users: dict[str, int] = field(default_factory=dict)
    clients: dict[str, object] = field(default_factory=dict)

    def client(self, email: str):
        """A signed-in test client for `email` (one per user, created on first use)."""
        if email not in self.clients:
            client = self.app.test_client()
            assert login(client, email).status_code == 302
            self.clients[email] = client
        return self.clients[email]

    def org_id(self, identifier: str) -> int:
        from core.db import db_session
        from core.orgs.models import Organisation

        with self.app.app_context():
            return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


@pytest.fixture
def world(app):
    w = World(app)
    w.users["utrecht"] = make_user(app, "beheer-utrecht@example.nl", org="GM0344", role="admin")  # rmc-19
    w.users["viewer"] = make_user(app, "lezer-utrecht@example.nl", org="GM0344", role="viewer")
    w.users["editor"] = make_user(app, "invoer-utrecht@example.nl", org="GM0344", role="admin", two_factor=True)
    w.users["debilt"] = make_user(app, "beheer-debilt@example.nl", org="GM0310", role="admin")  # rmc-19 too
    w.users["twente"] = make_user(app, "beheer-twente@example.nl", org="MC12", role="admin")  # rmc-12
    return w


def make_token(world, email: str, org: str, *, name: str = "Leerlingadministratie", scopes=None,
               expires_on: str = "") -> str:
    """Make a token through the page as `email` and return the secret the page shows once."""
    org_id = world.org_id(org)
    data = {"name": name, "expires_on": expires_on or ""}
    for key, scope in (scopes or {"hello": "write"}).items():
        data[f"scope_{key}"] = scope
    if not expires_on:
        data["expires_on"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = world.client(email).post(f"/organisaties/{org_id}/api-sleutels", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return SECRET_RE.search(response.get_data(as_text=True)).group(1)
