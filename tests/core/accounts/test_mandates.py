"""Mandates: a role with an end date stops granting anything after it; admins see whose mandate ends soon;
signing needs two-factor and accepts a fresh code instead of the password."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from core.testing import login, make_user, totp_code
from tests.core.agreements.conftest import (drafted_and_sent, load, seen_fingerprint, sign,  # noqa: F401
                                            world)

from .conftest import db


def set_end(app, email: str, ends_on):
    from core.identity.models import Membership, User

    db(app, lambda s: s.execute(update(Membership).where(
        Membership.user_id == s.scalar(select(User.id).where(User.email == email))).values(ends_on=ends_on)))


def last_accepted_code(app, user_id: int) -> str:
    import pyotp

    from core.identity.models import TotpCredential

    cred = db(app, lambda s: s.get(TotpCredential, user_id))
    return pyotp.TOTP(cred.secret).generate_otp(cred.last_step)


def today():
    from core.identity.models import today as nl_today

    return nl_today()


def test_a_mandate_past_its_end_date_no_longer_signs(world):
    app = world.app
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    fingerprint = seen_fingerprint(client, agreement_id)
    set_end(app, "teken-utrecht@example.nl", today() - dt.timedelta(days=1))
    refused = sign(client, agreement_id, world.org_id("GM0344"), fingerprint)
    assert refused.status_code in (403, 404)
    assert load(world, agreement_id).latest.signatures == []
    # The role is gone altogether: the region is no longer theirs either.
    assert client.get("/regio/rmc-19/").status_code == 404
    # On its last day the mandate still applies.
    set_end(app, "teken-utrecht@example.nl", today())
    assert sign(client, agreement_id, world.org_id("GM0344"), fingerprint).status_code == 302
    assert [s.organisation_id for s in load(world, agreement_id).latest.signatures] == [world.org_id("GM0344")]


def test_signing_accepts_a_fresh_code_instead_of_the_password_but_not_twice(world):
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    fingerprint = seen_fingerprint(client, agreement_id)
    code = totp_code(world.app, "teken-utrecht@example.nl")
    assert sign(client, agreement_id, world.org_id("GM0344"), fingerprint, password=code).status_code == 302
    # The code that signed in is used up now too; a replay of the signing code is refused elsewhere.
    debilt = world.client("teken-debilt@example.nl")
    fingerprint = seen_fingerprint(debilt, agreement_id)
    used = last_accepted_code(world.app, world.users["debilt"])  # accepted at sign-in already
    refused = sign(debilt, agreement_id, world.org_id("GM0310"), fingerprint, password=used)
    assert refused.status_code == 400 and "Het wachtwoord klopt niet" in refused.get_data(as_text=True)


def test_a_signatory_without_two_factor_cannot_sign(world):
    from core.agreements import service
    from core.db import db_session
    from core.identity.models import TotpCredential, User

    app = world.app
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    fingerprint = seen_fingerprint(client, agreement_id)
    db(app, lambda s: s.query(TotpCredential).filter(
        TotpCredential.user_id == world.users["utrecht"]).delete())
    response = sign(client, agreement_id, world.org_id("GM0344"), fingerprint)
    assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie"
    assert load(world, agreement_id).latest.signatures == []
    # The service refuses as well, whoever calls it.
    with app.app_context():
        session = db_session()
        agreement = service.lock_agreement(session, agreement_id)
        with pytest.raises(service.TwoFactorRequired):
            service.sign(session, agreement, organisation_id=world.org_id("GM0344"), fingerprint=fingerprint,
                         user=session.get(User, world.users["utrecht"]))
        session.rollback()


def test_admins_see_whose_mandate_ends_soon(app):
    from core.orgs.models import Organisation

    make_user(app, "coord@example.nl", org="MC19", role="admin")
    make_user(app, "bijna@example.nl", org="MC19", role="signatory", ends_on=today() + dt.timedelta(days=10))
    make_user(app, "verlopen@example.nl", org="MC19", role="signatory", ends_on=today() - dt.timedelta(days=3))
    make_user(app, "later@example.nl", org="MC19", role="signatory", ends_on=today() + dt.timedelta(days=400))
    make_user(app, "elders@example.nl", org="GM0599", role="signatory", ends_on=today() + dt.timedelta(days=5))
    mc19 = db(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == "MC19")))
    client = app.test_client()
    assert login(client, "coord@example.nl").status_code == 302
    html = client.get(f"/organisaties/{mc19}/leden").get_data(as_text=True)
    soon = html[html.index("Mandaten die aflopen"):html.index("Alle leden")]
    assert "bijna@example.nl" in soon and "loopt af over 10 dagen" in soon
    assert "verlopen@example.nl" in soon and "afgelopen" in soon
    assert "later@example.nl" not in soon and "elders@example.nl" not in html
    assert "later@example.nl" in html  # in the full list

    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    login(admin, "beheer@example.nl")
    page = admin.get("/beheer/mandaten").get_data(as_text=True)
    assert "bijna@example.nl" in page and "elders@example.nl" in page and "later@example.nl" not in page
    # Not for organisation admins.
    assert client.get("/beheer/mandaten").status_code == 403


def test_platform_admin_sets_an_end_date_on_a_membership(app):
    from core.identity.models import Membership
    from core.orgs.models import Organisation

    make_user(app, "beheer@example.nl", platform_admin=True)
    person = make_user(app, "persoon@example.nl", two_factor=True)
    admin = app.test_client()
    login(admin, "beheer@example.nl")
    org = db(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == "GM0344")))
    assert admin.post(f"/beheer/gebruikers/{person}", data={"organisation": org, "role": "signatory",
                                                            "ends_on": "2027-06-30"}).status_code == 302
    ends = db(app, lambda s: s.scalar(select(Membership.ends_on).where(Membership.user_id == person)))
    assert ends == dt.date(2027, 6, 30)
    assert "30 juni 2027" in admin.get(f"/beheer/gebruikers/{person}").get_data(as_text=True)  # dates in words
