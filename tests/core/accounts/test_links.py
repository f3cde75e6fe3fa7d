"""Invite and reset links: by e-mail (outbox), time-limited, single-use; a reset reveals nothing."""
from __future__ import annotations

import time

import itsdangerous.timed
from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, login, make_user

from .conftest import db, invitation_ids, link_in, outbox, signed_in

NEW = "fietsen-langs-de-vecht-2026"


def later(monkeypatch, seconds: float):
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + seconds)


def request_reset(client, email: str):
    return client.post("/wachtwoord-vergeten", data={"email": email})


def test_a_reset_does_not_reveal_whether_an_address_exists(app):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    known = request_reset(app.test_client(), "Lezer@example.nl")
    unknown = request_reset(app.test_client(), "niemand@example.nl")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    pages = []
    for response, client in ((known, None), (unknown, None)):
        pages.append(response.get_data(as_text=True))
    assert pages[0] == pages[1]
    # The flashed message on the next page is the same too.
    follow = [request_reset(c, e) for c, e in ((app.test_client(), "lezer@example.nl"),
                                                (app.test_client(), "niemand@example.nl"))]
    assert len({f.status_code for f in follow}) == 1
    assert [len(outbox(app, "lezer@example.nl")), len(outbox(app, "niemand@example.nl"))] == [2, 0]


def test_reset_link_works_once_and_ends_every_session(app):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    signed = app.test_client()
    assert login(signed, "lezer@example.nl").status_code == 302
    request_reset(app.test_client(), "lezer@example.nl")
    (message,) = outbox(app, "lezer@example.nl")
    path = link_in(message)
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Nieuw wachtwoord instellen" in page.get_data(as_text=True)
    assert client.post(path, data={"password": "password1234", "confirm": "password1234"}).status_code == 400
    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/inloggen"
    assert client.get(path).status_code == 404  # used
    assert client.post(path, data={"password": NEW + "x", "confirm": NEW + "x"}).status_code == 404
    assert not signed_in(signed)  # the reset logged out the session that was open
    assert login(app.test_client(), "lezer@example.nl", DEFAULT_PASSWORD).status_code == 200
    assert login(app.test_client(), "lezer@example.nl", NEW).status_code == 302


def test_reset_link_expires(app, monkeypatch):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    request_reset(app.test_client(), "lezer@example.nl")
    path = link_in(outbox(app, "lezer@example.nl")[0])
    minutes = app.config["RESET_MINUTES"]
    later(monkeypatch, (minutes - 1) * 60)
    assert app.test_client().get(path).status_code == 200
    later(monkeypatch, (minutes + 1) * 60)
    assert app.test_client().get(path).status_code == 404


def test_a_second_reset_link_is_void_once_the_first_was_used(app):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    request_reset(app.test_client(), "lezer@example.nl")
    request_reset(app.test_client(), "lezer@example.nl")
    first, second = (link_in(m) for m in outbox(app, "lezer@example.nl"))
    assert app.test_client().post(first, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert app.test_client().get(second).status_code == 404


def test_reset_requests_are_throttled(app):
    for _ in range(10):
        assert request_reset(app.test_client(), "iemand@example.nl").status_code == 302
    assert request_reset(app.test_client(), "iemand@example.nl").status_code == 429


def test_platform_admin_invites_by_email_and_the_link_expires(app, monkeypatch):
    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    assert login(admin, "beheer@example.nl").status_code == 302
    assert admin.post("/beheer/gebruikers/nieuw", data={"email": "nieuw@example.nl", "name": "Nina Nieuw"}
                      ).status_code == 302
    (message,) = outbox(app, "nieuw@example.nl")
    assert message.subject == "Uitnodiging voor het Regioplatform"
    path = link_in(message)
    # Platform admins read the outbox when there is no mail server.
    assert path in admin.get("/beheer/outbox").get_data(as_text=True)
    later(monkeypatch, app.config["INVITE_HOURS"] * 3600 + 60)
    assert app.test_client().get(path).status_code == 404
    monkeypatch.undo()
    assert app.test_client().get(path).status_code == 200


def test_organisation_admin_invites_into_their_own_organisation_only(app):
    from core.identity.models import Membership, User
    from core.orgs.models import Organisation

    make_user(app, "beheer.utrecht@example.nl", org="GM0344", role="admin")
    client = app.test_client()
    assert login(client, "beheer.utrecht@example.nl").status_code == 302
    utrecht = db(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == "GM0344")))
    rotterdam = db(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == "GM0599")))
    assert client.get(f"/organisaties/{rotterdam}/leden").status_code == 404
    assert client.post(f"/organisaties/{rotterdam}/leden", data={"email": "x@example.nl", "name": "X",
                                                                 "role": "viewer"}).status_code == 404
    page = client.post(f"/organisaties/{utrecht}/leden", data={"email": "Nieuw@Example.nl", "name": "Nina Nieuw",
                                                               "role": "signatory", "ends_on": "2030-12-31"})
    assert page.status_code == 302
    # No membership before the person accepts (tests/core/accounts/test_invitations.py).
    assert db(app, lambda s: s.scalar(select(Membership).join(User).where(User.email == "nieuw@example.nl"))) is None
    path = link_in(outbox(app, "nieuw@example.nl")[0])
    done = app.test_client().post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert app.test_client().get(path).status_code == 404  # single use
    invited = app.test_client()
    assert login(invited, "nieuw@example.nl", NEW).status_code == 302
    (invitation,) = invitation_ids(invited)
    assert invited.post(f"/account/uitnodigingen/{invitation}/accepteren").status_code == 302
    membership = db(app, lambda s: s.scalar(select(Membership).join(User).where(User.email == "nieuw@example.nl")))
    assert (membership.organisation_id, membership.role, str(membership.ends_on)) == (utrecht, "signatory",
                                                                                      "2030-12-31")
    # A viewer of the same organisation may not invite.
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    viewer = app.test_client()
    login(viewer, "lezer@example.nl")
    assert viewer.post(f"/organisaties/{utrecht}/leden", data={"email": "y@example.nl", "name": "Y",
                                                               "role": "admin"}).status_code == 403
