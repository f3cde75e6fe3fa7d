"""API tokens on the organisation admin's page: shown once, stored hashed, listed with last use, revocable,
refused to anyone but the organisation's own admins; expired and revoked tokens open nothing."""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select

from .conftest import make_token


def page(world, email, org):
    return world.client(email).get(f"/organisaties/{world.org_id(org)}/api-sleutels")


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def stored(world):
    from core.api.models import ApiToken
    from core.db import db_session

    with world.app.app_context():
        return db_session().scalars(select(ApiToken).order_by(ApiToken.id)).all()


def test_an_admin_makes_a_token_that_is_shown_once_and_stored_hashed(world):
    secret = make_token(world, "beheer-utrecht@example.nl", "GM0344", scopes={"hello": "read"})
    row, = stored(world)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.token_hash, row.prefix) and secret.startswith(row.prefix)
    assert (row.name, row.scopes, row.organisation_id) == ("Leerlingadministratie", {"hello": "read"},
                                                           world.org_id("GM0344"))
    again = text(page(world, "beheer-utrecht@example.nl", "GM0344"))
    assert secret not in again  # never shown again
    assert "Leerlingadministratie" in again and "Hallo: lezen" in again and "nog niet" in again


SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_the_token_page_checks_name_expiry_and_scope_and_stores_nothing_on_an_error(world):
    client = world.client("beheer-utrecht@example.nl")
    url = f"/organisaties/{world.org_id('GM0344')}/api-sleutels"
    no_scope = client.post(url, data={"name": "Systeem", "expires_on": SOON})
    assert no_scope.status_code == 400
    assert "Geef de sleutel toegang tot minstens één instrument." in text(no_scope)
    past = client.post(url, data={"name": "Systeem", "expires_on": "2000-01-01", "scope_hello": "read"})
    assert past.status_code == 400 and "De einddatum ligt in het verleden" in text(past)
    too_far = (dt.date.today() + dt.timedelta(days=800)).isoformat()
    far = client.post(url, data={"name": "Systeem", "expires_on": too_far, "scope_hello": "read"})
    assert far.status_code == 400 and "hoogstens twee jaar geldig" in text(far)
    nameless = client.post(url, data={"name": "", "expires_on": SOON, "scope_hello": "read"})
    assert nameless.status_code == 400 and "Vul een naam in." in text(nameless)
    assert stored(world) == []


def test_only_the_organisations_own_admins_reach_its_tokens(world):
    make_token(world, "beheer-utrecht@example.nl", "GM0344")
    token_id = stored(world)[0].id
    utrecht = world.org_id("GM0344")
    assert page(world, "lezer-utrecht@example.nl", "GM0344").status_code == 403  # a viewer of the organisation
    assert page(world, "beheer-debilt@example.nl", "GM0344").status_code == 404  # another organisation, same region
    assert page(world, "beheer-twente@example.nl", "GM0344").status_code == 404  # another region
    for email in ("lezer-utrecht@example.nl", "beheer-debilt@example.nl", "beheer-twente@example.nl"):
        response = world.client(email).post(f"/organisaties/{utrecht}/api-sleutels/{token_id}/intrekken")
        assert response.status_code in (403, 404)
    # Another organisation's admin cannot revoke Utrecht's token through their own organisation's address.
    debilt = world.client("beheer-debilt@example.nl")
    assert debilt.post(f"/organisaties/{world.org_id('GM0310')}/api-sleutels/{token_id}/intrekken").status_code == 404
    assert stored(world)[0].revoked_at is None
    assert "Leerlingadministratie" not in text(page(world, "beheer-debilt@example.nl", "GM0310"))


def test_a_revoked_or_expired_token_opens_nothing_and_last_use_is_shown(world):
    from core.api.tokens import find_token, record_use
    from core.db import db_session

    secret = make_token(world, "beheer-utrecht@example.nl", "GM0344")
    other = make_token(world, "beheer-utrecht@example.nl", "GM0344", name="Registratiesysteem")
    today = dt.date.today()
    with world.app.app_context():
        session = db_session()
        token = find_token(session, secret, today)
        assert token is not None and token.may("hello", "write") and token.may("hello", "read")
        assert not token.may("proef", "read")
        assert find_token(session, secret, token.expires_on + dt.timedelta(days=1)) is None  # expired
        assert find_token(session, "rp_" + "x" * 43, today) is None
        record_use(session, token, "192.0.2.7")
        session.commit()
    listing = text(page(world, "beheer-utrecht@example.nl", "GM0344"))
    assert "vanaf 192.0.2.7" in listing
    first = stored(world)[0]
    response = world.client("beheer-utrecht@example.nl").post(
        f"/organisaties/{world.org_id('GM0344')}/api-sleutels/{first.id}/intrekken")
    assert response.status_code == 303
    assert "ingetrokken" in text(page(world, "beheer-utrecht@example.nl", "GM0344"))
    with world.app.app_context():
        assert find_token(db_session(), secret, today) is None
        assert find_token(db_session(), other, today) is not None  # the other token still works


def test_making_and_revoking_a_token_is_audited_without_the_hash(world):
    from core.audit.models import AuditEntry
    from core.db import db_session

    make_token(world, "beheer-utrecht@example.nl", "GM0344")
    with world.app.app_context():
        entry = db_session().scalar(select(AuditEntry).where(AuditEntry.object_type == "api_token"))
    assert entry is not None and entry.action == "create"
    assert entry.organisation_id == world.org_id("GM0344")
    assert entry.after["token_hash"] != stored(world)[0].token_hash
    world.client("beheer-utrecht@example.nl").post(
        f"/organisaties/{world.org_id('GM0344')}/api-sleutels/{stored(world)[0].id}/intrekken")
    with world.app.app_context():
        update = db_session().scalar(select(AuditEntry).where(AuditEntry.object_type == "api_token",
                                                              AuditEntry.action != "create"))
    assert update is not None and update.after["revoked_at"] is not None and update.user_id == world.users["utrecht"]
