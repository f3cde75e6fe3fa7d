"""Two-factor sign-in: enrolment with a QR code, sign-in with a code and with a recovery code (once),
required for platform admins and signatories before they can act."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, login, make_user

from .conftest import code_for, db, signed_in, totp_secret

EMAIL = "lezer@example.nl"
SECRET_RE = re.compile(r"<code>([A-Z2-7]{32})</code>")
PENDING_RE = re.compile(r'name="pending" value="([^"]+)"')
RECOVERY_RE = re.compile(r"<code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code>")


def enrol(client, app, email=EMAIL) -> tuple[str, list[str]]:
    """Enrol through the pages; returns the secret and the recovery codes shown."""
    page = client.get("/account/tweestapsverificatie")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html and 'alt="QR-code' in html
    assert totp_secret(app, email) is None  # showing the page stores nothing
    secret = SECRET_RE.search(html).group(1)  # the key to type in by hand, next to the QR code
    pending = PENDING_RE.search(html).group(1)
    wrong = client.post("/account/tweestapsverificatie", data={
        "code": "000000" if code_for(secret) != "000000" else "111111", "pending": pending})
    assert wrong.status_code == 400 and secret in wrong.get_data(as_text=True)  # the same QR code again
    done = client.post("/account/tweestapsverificatie", data={"code": code_for(secret), "pending": pending})
    assert done.status_code == 200
    codes = RECOVERY_RE.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def password_step(app, email=EMAIL):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen/code"
    return client


def test_enrolment_and_sign_in_with_a_code(app):
    from core.identity.models import RecoveryCode

    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    assert login(client, EMAIL).status_code == 302  # no two-factor yet: the password is enough
    secret, codes = enrol(client, app)
    # Recovery codes are stored hashed only.
    stored = db(app, lambda s: s.scalars(select(RecoveryCode.code_hash)).all())
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    # They are shown once: the page does not show them again.
    assert not RECOVERY_RE.search(client.get("/account/tweestapsverificatie").get_data(as_text=True))

    # The password alone no longer signs in; the half-way cookie gives no access.
    half = password_step(app)
    assert not signed_in(half)
    wrong = half.post("/inloggen/code", data={"code": "123456" if code_for(secret, 1) != "123456" else "654321"})
    assert wrong.status_code == 200 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    assert not signed_in(half)
    # The right code does, and the same code is not accepted twice (replay).
    code = code_for(secret, 1)  # the next step's code, accepted within the window
    ok = half.post("/inloggen/code", data={"code": code})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert signed_in(half)
    again = password_step(app)
    assert again.post("/inloggen/code", data={"code": code}).status_code == 200
    assert not signed_in(again)


def test_sign_in_with_a_recovery_code_works_once(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    login(client, EMAIL)
    _secret, codes = enrol(client, app)

    first = password_step(app)
    assert first.post("/inloggen/code", data={"code": codes[3].lower()}).status_code == 302
    assert signed_in(first)
    second = password_step(app)
    assert second.post("/inloggen/code", data={"code": codes[3]}).status_code == 200
    assert not signed_in(second)
    assert second.post("/inloggen/code", data={"code": codes[4]}).status_code == 302


def test_the_second_step_is_throttled(app):
    make_user(app, EMAIL, org="GM0344", role="viewer", two_factor=True)
    client = password_step(app)
    for _ in range(10):
        assert client.post("/inloggen/code", data={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 200
    assert client.post("/inloggen/code", data={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 429


def test_a_platform_admin_without_two_factor_cannot_act_until_enrolled(app):
    make_user(app, "beheer@example.nl", platform_admin=True, two_factor=False)
    client = app.test_client()
    assert login(client, "beheer@example.nl").status_code == 302
    for url in ("/beheer/", "/beheer/gebruikers", "/regio/rmc-19/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie", url
    before = db(app, lambda s: s.scalar(select(__import__("sqlalchemy").func.count()).select_from(
        __import__("core.orgs.models", fromlist=["Organisation"]).Organisation)))
    response = client.post("/beheer/organisaties/nieuw", data={"kind": "werkgever", "identifier": "12345678",
                                                                "name": "Nieuw BV"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie"
    after = db(app, lambda s: s.scalar(select(__import__("sqlalchemy").func.count()).select_from(
        __import__("core.orgs.models", fromlist=["Organisation"]).Organisation)))
    assert after == before
    enrol(client, app, "beheer@example.nl")
    assert client.get("/beheer/").status_code == 200


def test_a_signatory_without_two_factor_cannot_act_until_enrolled(app):
    make_user(app, "teken@example.nl", org="GM0344", role="signatory", two_factor=False)
    client = app.test_client()
    assert login(client, "teken@example.nl").status_code == 302
    response = client.get("/regio/rmc-19/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie"
    assert "Voor uw rol is tweestapsverificatie verplicht" in client.get(
        "/account/tweestapsverificatie").get_data(as_text=True)
    enrol(client, app, "teken@example.nl")
    assert client.get("/regio/rmc-19/").status_code == 200


def test_a_viewer_is_not_forced_to_enrol(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    login(client, EMAIL)
    assert client.get("/regio/rmc-19/").status_code == 200
    assert "Staat uit." in client.get("/account").get_data(as_text=True)


def test_new_recovery_codes_replace_the_old_ones(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    login(client, EMAIL)
    secret, old = enrol(client, app)
    page = client.post("/account/herstelcodes", data={"code": code_for(secret, 1)})
    new = RECOVERY_RE.findall(page.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert password_step(app).post("/inloggen/code", data={"code": old[0]}).status_code == 200
    assert password_step(app).post("/inloggen/code", data={"code": new[0]}).status_code == 302


def test_the_enrolment_page_changes_nothing_and_its_code_is_for_this_user_only(app):
    """GET stores no secret (a second look, or a page loaded by another site, spoils no enrolment under way);
    the sealed secret of one user's page does not enrol another."""
    make_user(app, EMAIL, org="GM0344", role="viewer")
    make_user(app, "ander@example.nl", org="GM0344", role="viewer")
    client, other = app.test_client(), app.test_client()
    assert login(client, EMAIL).status_code == 302 and login(other, "ander@example.nl").status_code == 302
    first = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    second = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert totp_secret(app, EMAIL) is None
    secret, pending = SECRET_RE.search(first).group(1), PENDING_RE.search(first).group(1)
    assert secret not in second
    stolen = other.post("/account/tweestapsverificatie", data={"code": code_for(secret), "pending": pending})
    assert stolen.status_code == 400 and totp_secret(app, "ander@example.nl") is None
    done = client.post("/account/tweestapsverificatie", data={"code": code_for(secret), "pending": pending})
    assert done.status_code == 200 and len(RECOVERY_RE.findall(done.get_data(as_text=True))) == 10
    assert totp_secret(app, EMAIL) == secret


def test_the_home_page_lists_no_regions_before_a_required_enrolment(app):
    make_user(app, "teken@example.nl", org="GM0344", role="signatory", two_factor=False)
    client = app.test_client()
    response = login(client, "teken@example.nl")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/account/tweestapsverificatie"
    assert "Utrecht" not in home.get_data(as_text=True)
    # once enrolled, the home page lists the region
    enrol(client, app, "teken@example.nl")
    assert "Utrecht" in client.get("/").get_data(as_text=True)
