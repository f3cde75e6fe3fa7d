"""A person downloads what the platform stores about them, and reads the privacy statement (ASVS 8.3.2, 8.3.3)."""
from __future__ import annotations

import json

from core.testing import login, make_user

from .conftest import totp_secret


def test_the_download_holds_the_persons_own_data_and_nobody_elses(app):
    make_user(app, "anna@gemeente.example.nl", org="GM0344", role="editor")
    make_user(app, "bert@gemeente.example.nl", org="GM0344", role="editor")
    client = app.test_client()
    other = app.test_client()
    login(client, "anna@gemeente.example.nl")
    login(other, "bert@gemeente.example.nl")
    client.post("/inloggen", data={"email": "anna@gemeente.example.nl", "password": "fout"})  # a failed attempt

    response = client.get("/account/gegevens")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "anna@gemeente.example.nl"
    assert [(m["identifier"], m["role"]) for m in data["memberships"]] == [("GM0344", "editor")]
    assert data["sessions"] and all(s["address"] for s in data["sessions"])
    assert {"signin.success"} <= {e["kind"] for e in data["security_events"]}
    body = response.get_data(as_text=True)
    assert "bert@" not in body  # another person's sign-in, session and account stay out
    assert "argon2" not in body and "password_hash" not in body


def test_no_secret_is_in_the_download(app):
    make_user(app, "coordinator@rmc.example.nl", org="MC19", role="coordinator", two_factor=True)
    client = app.test_client()
    login(client, "coordinator@rmc.example.nl")
    body = client.get("/account/gegevens").get_data(as_text=True)
    secret = totp_secret(app, "coordinator@rmc.example.nl")
    assert secret and secret not in body


def test_the_download_needs_a_signed_in_person(app):
    response = app.test_client().get("/account/gegevens")
    assert response.status_code in (302, 401) and "gegevens" not in response.headers.get("Content-Disposition", "")


def test_the_privacy_statement_is_public_linked_everywhere_and_states_the_configured_periods(app):
    app.config["RETENTION_SECURITY_EVENTS_DAYS"] = 90
    client = app.test_client()
    page = client.get("/privacy").get_data(as_text=True)
    assert "Privacyverklaring" in page and "na 90 dagen verwijderd" in page
    assert 'href="/privacy"' in client.get("/inloggen").get_data(as_text=True)
    client.post("/taal", data={"taal": "en", "next": "/privacy"})
    english = client.get("/privacy").get_data(as_text=True)
    assert "Privacy statement" in english
