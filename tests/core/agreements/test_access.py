"""Who may do what: only a signatory of a required organisation signs; only the coordinator drafts."""
from __future__ import annotations

import re

import pytest

from core.testing import DEFAULT_PASSWORD, make_user, totp_code

from tests.core.instruments import other_instrument

from .conftest import BASE, draft, drafted_and_sent, load, seen_fingerprint, sign


def test_a_signatory_of_another_organisation_in_the_region_cannot_sign(world):
    agreement_id = drafted_and_sent(world)
    fingerprint = load(world, agreement_id).latest.fingerprint
    zeist = world.client("teken-zeist@example.nl")
    page = zeist.get(f"{BASE}/{agreement_id}/")
    assert page.status_code == 200  # a member of the region sees the agreement …
    assert 'name="fingerprint"' not in page.get_data(as_text=True)  # … but gets no sign form
    # … cannot sign for a party it does not belong to (404: that organisation is not theirs) …
    assert sign(zeist, agreement_id, world.org_id("GM0344"), fingerprint).status_code == 404
    # … and its own organisation is not a required party (403).
    assert sign(zeist, agreement_id, world.org_id("GM0355"), fingerprint).status_code == 403
    assert load(world, agreement_id).latest.signatures == []


def test_a_signatory_of_another_region_sees_nothing(world):
    agreement_id = drafted_and_sent(world)
    fingerprint = load(world, agreement_id).latest.fingerprint
    rotterdam = world.client("teken-rotterdam@example.nl")
    assert rotterdam.get(f"{BASE}/{agreement_id}/").status_code == 404
    assert rotterdam.get(f"{BASE}/").status_code == 404
    assert sign(rotterdam, agreement_id, world.org_id("GM0344"), fingerprint).status_code == 404
    assert sign(rotterdam, agreement_id, world.org_id("GM0599"), fingerprint).status_code == 404
    assert load(world, agreement_id).latest.signatures == []


@pytest.mark.parametrize("email", ["lezer@example.nl", "invoer@example.nl"])
def test_a_viewer_or_editor_of_a_required_party_cannot_sign(world, email):
    agreement_id = drafted_and_sent(world)
    fingerprint = load(world, agreement_id).latest.fingerprint
    client = world.client(email)
    page = client.get(f"{BASE}/{agreement_id}/")
    assert page.status_code == 200 and 'name="fingerprint"' not in page.get_data(as_text=True)
    assert sign(client, agreement_id, world.org_id("GM0344"), fingerprint).status_code == 403
    assert client.post(f"{BASE}/{agreement_id}/intrekken", data={"organisation": world.org_id("GM0344")}).status_code == 403
    assert load(world, agreement_id).latest.signatures == []


def test_the_coordinator_cannot_sign_for_a_party_it_coordinates(world):
    agreement_id = drafted_and_sent(world)
    fingerprint = load(world, agreement_id).latest.fingerprint
    assert sign(world.client("coord@example.nl"), agreement_id, world.org_id("GM0344"), fingerprint).status_code == 403


@pytest.mark.parametrize("email", ["lezer@example.nl", "invoer@example.nl", "teken-utrecht@example.nl"])
def test_only_the_coordinator_drafts_edits_sends_and_ends(world, email):
    agreement_id = draft(world)
    client = world.client(email)
    assert client.get(f"{BASE}/nieuw").status_code == 403
    assert client.post(f"{BASE}/nieuw", data={"title": "x", "text": "y"}).status_code == 403
    assert client.get(f"{BASE}/{agreement_id}/bewerken").status_code == 403
    assert client.post(f"{BASE}/{agreement_id}/bewerken", data={"title": "x", "text": "y"}).status_code == 403
    assert client.post(f"{BASE}/{agreement_id}/versturen", data={}).status_code == 403
    assert client.post(f"{BASE}/{agreement_id}/beeindigen", data={}).status_code == 403
    # Also for an agreement that does not exist: a viewer posting learns nothing (403 before the lookup).
    assert client.post(f"{BASE}/999/versturen", data={}).status_code == 403
    assert load(world, agreement_id).latest.status == "concept"


def test_unknown_agreement_other_instrument_and_disabled_instrument_are_404(world, app):
    agreement_id = draft(world)
    coord = world.client("coord@example.nl")
    assert coord.get(f"{BASE}/999/").status_code == 404
    other = other_instrument(app)  # the same agreement under another instrument's agreements
    assert coord.get(f"/regio/rmc-19/afspraken/{other}/{agreement_id}/").status_code == 404
    assert coord.get(f"/regio/rmc-19/afspraken/bestaatniet/").status_code == 404
    assert coord.get(f"{BASE}/{agreement_id}/versies/7/").status_code == 404
    # rmc-12 does not enable the hello instrument.
    make_user(app, "coord12@example.nl", org="MC12", role="admin")
    twente = world.client("coord12@example.nl")
    assert twente.get("/regio/rmc-12/afspraken/hello/").status_code == 404
    assert twente.get("/regio/rmc-12/afspraken/hello/nieuw").status_code == 404
    assert twente.get(f"/regio/rmc-12/afspraken/{other_instrument(app, 'rmc-12')}/").status_code == 200
    # The same agreement id under another region is 404 for that region's coordinator.
    assert twente.get(f"/regio/rmc-12/afspraken/hello/{agreement_id}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    agreement_id = drafted_and_sent(world)
    for url in (f"{BASE}/", f"{BASE}/{agreement_id}/", f"{BASE}/{agreement_id}/versies/1/certificaat"):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.post(f"{BASE}/{agreement_id}/ondertekenen", data={}).status_code == 302
    assert load(world, agreement_id).latest.signatures == []


def test_signing_needs_the_csrf_token(world, app_factory):
    agreement_id = drafted_and_sent(world)
    csrf_app = app_factory(reuse_db=True, WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/inloggen", data={"email": "teken-utrecht@example.nl", "password": DEFAULT_PASSWORD,
                                          "csrf_token": token}).status_code == 302
    page = client.get("/inloggen/code").get_data(as_text=True)  # signatories sign in with two-factor
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/inloggen/code", data={"code": totp_code(csrf_app, "teken-utrecht@example.nl"),
                                               "csrf_token": token}).status_code == 302
    fingerprint = seen_fingerprint(client, agreement_id)
    assert sign(client, agreement_id, world.org_id("GM0344"), fingerprint).status_code == 400
    assert load(world, agreement_id).latest.signatures == []
