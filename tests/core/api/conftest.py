"""Organisations with admins in two regions, and helpers to make API tokens through the token page."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from core.testing import make_user
from tests.core.agreements.conftest import World  # signed-in clients per user, org ids by identifier

SECRET_RE = re.compile(r"<code>(rp_[A-Za-z0-9_-]+)</code>")


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
