"""Security notices (ASVS 2.2.3, 2.5.5) and a platform admin's reset of a user's two-factor.

A user is told by e-mail (the outbox, without SMTP) when their password is
changed or reset, when two-factor is enrolled and when recovery codes are
renewed; the notice goes in the same transaction as the change and carries
no secret. A platform admin can switch a user's two-factor off (lost phone):
audited, every session of the user ends, and the user is told.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, login, make_user

from .conftest import client_with_cookie, code_for, cookie_value, db, link_in, outbox, signed_in
from .test_two_factor import RECOVERY_RE, enrol

EMAIL = "lezer@example.nl"
NEW = "een nieuwe zin van vijf woorden"


def notices(app, email=EMAIL) -> list:
    return [m for m in outbox(app, email) if m.subject.endswith("(Regioplatform)")]


def assert_no_secrets(message, *secrets):
    body = message.body + message.subject
    for secret in secrets:
        assert secret and secret not in body
    assert "http" not in body and not re.search(r"\b\d{6}\b", body)


def test_a_password_change_is_notified_in_the_same_transaction(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    login(client, EMAIL)
    # A refused change (wrong current password) changes nothing and sends nothing.
    refused = client.post("/account/wachtwoord", data={"current": "niet-het-wachtwoord", "password": NEW,
                                                       "confirm": NEW})
    assert refused.status_code == 400 and notices(app) == []
    done = client.post("/account/wachtwoord", data={"current": DEFAULT_PASSWORD, "password": NEW, "confirm": NEW})
    assert done.status_code == 302
    (notice,) = notices(app)
    assert notice.subject == "Uw wachtwoord is gewijzigd (Regioplatform)"
    assert "Beste lezer" in notice.body and "Wachtwoord vergeten" in notice.body
    assert_no_secrets(notice, NEW, DEFAULT_PASSWORD)


def test_a_reset_is_notified_without_the_link_or_password(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    app.test_client().post("/wachtwoord-vergeten", data={"email": EMAIL})
    (request_mail,) = outbox(app, EMAIL)
    path = link_in(request_mail)
    assert notices(app) == []  # asking for a link changes nothing yet
    assert app.test_client().post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    (notice,) = notices(app)
    assert notice.subject == "Uw wachtwoord is opnieuw ingesteld (Regioplatform)"
    assert_no_secrets(notice, NEW, path.rsplit("/", 1)[-1])


def test_an_invite_sets_a_first_password_without_a_notice(app):
    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    login(admin, "beheer@example.nl")
    admin.post("/beheer/gebruikers/nieuw", data={"email": "nieuw@example.nl", "name": "Nina Nieuw"})
    path = link_in(outbox(app, "nieuw@example.nl")[0])
    assert app.test_client().post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert notices(app, "nieuw@example.nl") == []


def test_enrolment_and_new_recovery_codes_are_notified_without_secrets(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    login(client, EMAIL)
    secret, codes = enrol(client, app)
    (enrolled,) = notices(app)
    assert enrolled.subject == "Tweestapsverificatie ingesteld (Regioplatform)"
    assert_no_secrets(enrolled, secret, *codes)
    # A wrong code makes no new codes and sends nothing.
    client.post("/account/herstelcodes", data={"code": "000000" if code_for(secret, 1) != "000000" else "111111"})
    assert len(notices(app)) == 1
    page = client.post("/account/herstelcodes", data={"code": code_for(secret, 1)})
    new = RECOVERY_RE.findall(page.get_data(as_text=True))
    assert len(new) == 10
    renewed = notices(app)[-1]
    assert len(notices(app)) == 2 and renewed.subject == "Nieuwe herstelcodes gemaakt (Regioplatform)"
    assert_no_secrets(renewed, secret, *codes, *new)


# --- a platform admin resets a user's two-factor -------------------------------------

def two_factor_rows(app, user_id):
    from core.identity.models import RecoveryCode, TotpCredential

    return db(app, lambda s: (s.get(TotpCredential, user_id) is not None,
                              len(s.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all())))


def test_platform_admin_resets_a_users_two_factor(app):
    from core.audit.models import AuditEntry

    make_user(app, "beheer@example.nl", platform_admin=True)
    user_id = make_user(app, "teken@example.nl", org="GM0344", role="signatory", two_factor=False)
    signatory = app.test_client()
    login(signatory, "teken@example.nl")
    secret, codes = enrol(signatory, app, "teken@example.nl")
    assert two_factor_rows(app, user_id) == (True, 10)
    # A second signed-in session of the signatory, elsewhere.
    other = client_with_cookie(app, cookie_value(signatory))
    assert signed_in(signatory) and signed_in(other)

    admin = app.test_client()
    login(admin, "beheer@example.nl")
    page = admin.get(f"/beheer/gebruikers/{user_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="/beheer/gebruikers/{user_id}/tweestapsverificatie-herstellen"' in html and "Staat aan." in html
    url = f"/beheer/gebruikers/{user_id}/tweestapsverificatie-herstellen"
    assert admin.get(url).status_code == 405  # a POST only
    done = admin.post(url)
    assert done.status_code == 302 and done.headers["Location"] == f"/beheer/gebruikers/{user_id}"
    assert "Bij de volgende keer inloggen moet opnieuw een app worden ingesteld" in admin.get(
        done.headers["Location"]).get_data(as_text=True)

    # The app and the recovery codes are gone; every session of the user ended.
    assert two_factor_rows(app, user_id) == (False, 0)
    assert not signed_in(signatory) and not signed_in(other)
    # Audited, by the admin, without the secret.
    entries = db(app, lambda s: s.scalars(select(AuditEntry).where(AuditEntry.actor == "beheer@example.nl")
                                          .order_by(AuditEntry.id)).all())
    removal = next(e for e in entries if e.object_type == "totp_credential")
    assert (removal.action, removal.object_id, removal.before["recovery_codes"]) == ("delete", str(user_id), 10)
    assert secret not in str(removal.before)
    assert any(e.object_type == "user_account" and e.object_id == str(user_id) and e.action == "update"
               for e in entries)
    # Told by mail, without secrets.
    notice = notices(app, "teken@example.nl")[-1]
    assert notice.subject == "Tweestapsverificatie uitgezet door een beheerder (Regioplatform)"
    assert_no_secrets(notice, secret, *codes)

    # No code step any more (the old app and codes are gone): the password leads straight to enrolment.
    fresh = app.test_client()
    response = fresh.post("/inloggen", data={"email": "teken@example.nl", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] != "/inloggen/code"
    response = fresh.get("/regio/rmc-19/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie"
    enrol(fresh, app, "teken@example.nl")
    assert fresh.get("/regio/rmc-19/").status_code == 200

    # Nothing to reset (a viewer without two-factor): nothing written, nothing sent.
    viewer_id = make_user(app, EMAIL, org="GM0344", role="viewer")
    last = db(app, lambda s: s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())))
    sent = len(outbox(app))
    assert admin.post(f"/beheer/gebruikers/{viewer_id}/tweestapsverificatie-herstellen").status_code == 302
    assert len(outbox(app)) == sent
    assert db(app, lambda s: s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))) == last


def test_only_a_platform_admin_resets_two_factor(app):
    make_user(app, "beheer.utrecht@example.nl", org="GM0344", role="admin")
    user_id = make_user(app, "teken@example.nl", org="GM0344", role="signatory")
    url = f"/beheer/gebruikers/{user_id}/tweestapsverificatie-herstellen"
    org_admin = app.test_client()
    login(org_admin, "beheer.utrecht@example.nl")
    assert org_admin.post(url).status_code == 403
    assert app.test_client().post(url).status_code == 302  # signed out: to the sign-in page
    assert two_factor_rows(app, user_id)[0] is True
    assert notices(app, "teken@example.nl") == []


def test_resetting_two_factor_needs_a_csrf_token(csrf_app):
    make_user(csrf_app, "beheer@example.nl", platform_admin=True)
    user_id = make_user(csrf_app, "teken@example.nl", org="GM0344", role="signatory")
    admin = csrf_app.test_client()
    page = admin.get("/inloggen")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert admin.post("/inloggen", data={"email": "beheer@example.nl", "password": DEFAULT_PASSWORD,
                                         "csrf_token": token}).status_code == 302
    from core.testing import totp_code
    page = admin.get("/inloggen/code")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert admin.post("/inloggen/code", data={"code": totp_code(csrf_app, "beheer@example.nl"),
                                              "csrf_token": token}).status_code == 302
    url = f"/beheer/gebruikers/{user_id}/tweestapsverificatie-herstellen"
    assert admin.post(url).status_code == 400
    assert two_factor_rows(csrf_app, user_id)[0] is True
    page = admin.get(f"/beheer/gebruikers/{user_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert admin.post(url, data={"csrf_token": token}).status_code == 302
    assert two_factor_rows(csrf_app, user_id) == (False, 0)
