"""Server-side sessions: a copied cookie stops working once its session ended; time-outs; a new session at login."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from core.testing import DEFAULT_PASSWORD, login, make_user

from .conftest import client_with_cookie, cookie_value, db, signed_in

EMAIL = "lezer@example.nl"


def signed_in_client(app, email=EMAIL):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_a_cookie_captured_before_login_gives_no_access_after_it(csrf_app):
    app = csrf_app
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    page = client.get("/inloggen")  # an anonymous visit leaves a cookie (its CSRF token)
    before = cookie_value(client)
    assert before is not None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/inloggen", data={"email": EMAIL, "password": DEFAULT_PASSWORD,
                                          "csrf_token": token}).status_code == 302
    after = cookie_value(client)
    assert after != before  # a new session at login
    assert signed_in(client)
    # Whoever planted or copied the pre-login cookie is not signed in by the victim's login.
    assert not signed_in(client_with_cookie(app, before))


def test_a_copy_of_the_session_cookie_works_until_logout_and_not_after(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = signed_in_client(app)
    copy = cookie_value(client)
    assert signed_in(client_with_cookie(app, copy))  # the copy works while the session lives
    assert client.post("/uitloggen").status_code == 302
    assert not signed_in(client_with_cookie(app, copy))
    assert client.get("/regio/rmc-19/").status_code == 302


def test_log_out_everywhere_refuses_every_earlier_cookie(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    laptop, phone = signed_in_client(app), signed_in_client(app)
    copies = [cookie_value(laptop), cookie_value(phone)]
    page = laptop.get("/account").get_data(as_text=True)
    assert page.count("<tr>") - 1 == 2, "both sessions are listed"  # the header row plus one per session
    assert "(deze sessie)" in page
    response = laptop.post("/account/overal-uitloggen")
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    assert not signed_in(phone) and not signed_in(laptop)
    for copy in copies:
        assert not signed_in(client_with_cookie(app, copy))
    # Signing in again works, with a new session.
    fresh = signed_in_client(app)
    assert signed_in(fresh)


def test_a_password_change_ends_every_other_session(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    here, elsewhere = signed_in_client(app), signed_in_client(app)
    copy = cookie_value(here)
    new = "zomeravond-op-het-terras-42"
    wrong = here.post("/account/wachtwoord", data={"current": "niet-het-wachtwoord", "password": new, "confirm": new})
    assert wrong.status_code == 400 and "Uw huidige wachtwoord klopt niet." in wrong.get_data(as_text=True)
    done = here.post("/account/wachtwoord", data={"current": DEFAULT_PASSWORD, "password": new, "confirm": new})
    assert done.status_code == 302
    assert signed_in(here)  # this browser continues, in a new session
    assert not signed_in(elsewhere)
    assert not signed_in(client_with_cookie(app, copy))  # the old cookie of this very browser too
    assert login(app.test_client(), EMAIL, DEFAULT_PASSWORD).status_code == 200
    assert login(app.test_client(), EMAIL, new).status_code == 302


def test_a_new_password_must_be_long_and_not_common(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = signed_in_client(app)
    for password, message in (("kort-wacht1", "minstens 12 tekens"),
                              ("password1234", "veelgebruikte wachtwoorden"),
                              ("qwertyuiop12", "veelgebruikte wachtwoorden"),
                              ("lezer@example.nl1", "te makkelijk te raden")):
        page = client.post("/account/wachtwoord", data={"current": DEFAULT_PASSWORD, "password": password,
                                                        "confirm": password})
        assert page.status_code == 400, password
        assert message in page.get_data(as_text=True), password
    assert signed_in(client)


def _age_session(app, **delta):
    from core.identity.models import UserSession

    def shift(session):
        rows = session.scalars(select(UserSession)).all()
        for row in rows:
            if "idle" in delta:
                row.last_seen_at = row.last_seen_at - dt.timedelta(minutes=delta["idle"])
            if "absolute" in delta:
                row.created_at = row.created_at - dt.timedelta(minutes=delta["absolute"])
    db(app, shift)


def test_idle_time_out(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = signed_in_client(app)
    _age_session(app, idle=app.config["SESSION_IDLE_MINUTES"] - 1)
    assert signed_in(client)  # within the idle time: still in (and the clock is refreshed)
    _age_session(app, idle=app.config["SESSION_IDLE_MINUTES"] + 1)
    assert not signed_in(client)


def test_absolute_time_out_even_when_active(app):
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = signed_in_client(app)
    _age_session(app, absolute=app.config["SESSION_ABSOLUTE_MINUTES"] - 5)
    assert signed_in(client)
    _age_session(app, absolute=10)
    assert not signed_in(client)


def test_sessions_are_stored_hashed_and_tied_to_the_version(app):
    from core.identity.models import User, UserSession

    user_id = make_user(app, EMAIL, org="GM0344", role="viewer")
    client = signed_in_client(app)
    token = None
    with client.session_transaction() as cookie:
        token = cookie["_sid"]
    row = db(app, lambda s: s.scalar(select(UserSession).where(UserSession.user_id == user_id)))
    assert row.token_hash != token and len(row.token_hash) == 64
    version = db(app, lambda s: s.get(User, user_id).session_version)
    assert row.version == version
    # Raising the version server-side (as "log out everywhere" does) refuses the live cookie.
    db(app, lambda s: s.execute(update(User).where(User.id == user_id).values(session_version=version + 1)))
    assert not signed_in(client)


def test_session_cookie_is_host_prefixed_secure_and_httponly_in_production(app_factory, monkeypatch):
    monkeypatch.setenv("REGIO_ENV", "production")
    monkeypatch.setenv("SECRETS_KEY", "Ai6Q9VfQp2M1x0wXy3J8ZkRrTtUuVvWwXxYyZz01234=")  # production requires one
    monkeypatch.setenv("AUDIT_KEY", "a" * 40)  # and an audit key
    app = app_factory()
    make_user(app, EMAIL, org="GM0344", role="viewer")
    client = app.test_client()
    page = client.post("/inloggen", base_url="https://localhost",
                       data={"email": EMAIL, "password": DEFAULT_PASSWORD})
    assert page.status_code == 302
    (cookie,) = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("__Host-regio-session=")]
    parts = [p.strip() for p in cookie.split(";")]
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(parts)
    assert not any(p.lower().startswith("domain=") for p in parts)
    assert not any(c.startswith("session=") for c in page.headers.getlist("Set-Cookie"))
