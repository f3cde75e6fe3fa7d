"""Signing in: sessions, throttling, CSRF, cookies, security headers, invites and redirects."""
from __future__ import annotations

import random
import re
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.cli import main
from core.testing import DEFAULT_PASSWORD, login, make_user, totp_code
from tests.services import redis_or_skip

WRONG = "dit-is-niet-het-wachtwoord"
BAD_LOGIN = "Onbekende combinatie van e-mailadres en wachtwoord."
REDIS_URL = "redis://127.0.0.1:6379/15"


def attempt(client, email: str, password: str = WRONG, address: str = "127.0.0.1", **kwargs):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, **kwargs)


def csrf_token(page) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the form carries no CSRF token"
    return match.group(1)


def set_cookie(response, name: str = "session") -> str:
    (cookie,) = [v for v in response.headers.getlist("Set-Cookie") if v.startswith(f"{name}=")]
    return cookie


# --- signing in --------------------------------------------------------------------

def test_login_sets_a_session_and_shows_the_users_regions(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    page = login(client, "lezer@example.nl")
    assert page.status_code == 302
    assert page.headers["Location"] == "/"
    assert set_cookie(page)
    home = client.get("/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert '<span class="who">lezer</span>' in html
    assert 'href="/regio/rmc-19/"' in html
    assert 'href="/regio/rmc-29/"' not in html


def test_login_is_case_insensitive_for_the_email_address(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    assert login(client, "Lezer@Example.NL").status_code == 302


@pytest.mark.parametrize("email", ["lezer@example.nl", "onbekend@example.nl"])
def test_wrong_password_or_unknown_account_shows_one_dutch_error(app, client, email):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    page = login(client, email, WRONG)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert BAD_LOGIN in html
    assert 'class="error-summary"' in html
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/inloggen")


def test_logout_ends_the_session(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    login(client, "lezer@example.nl")
    assert client.post("/uitloggen").status_code == 302
    assert client.get("/regio/rmc-19/").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "//evil.example/inloggen",
                                    "/\t/evil.example"])
def test_login_refuses_to_redirect_to_another_site(app, client, target):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    page = client.post("/inloggen", query_string={"next": target},
                       data={"email": "lezer@example.nl", "password": DEFAULT_PASSWORD})
    assert page.status_code == 302
    location = page.headers["Location"]
    assert urlsplit(location).netloc in ("", "localhost")
    assert location == "/"


def test_login_follows_a_local_next_page(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    page = client.get("/regio/rmc-19/")
    assert page.status_code == 302
    login_url = page.headers["Location"]
    assert login_url == "/inloggen?next=/regio/rmc-19/"
    done = client.post(login_url, data={"email": "lezer@example.nl", "password": DEFAULT_PASSWORD})
    assert done.headers["Location"] == "/regio/rmc-19/"


# --- throttling ------------------------------------------------------------------------

def assert_dutch_429(page):
    assert page.status_code == 429
    html = page.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Te veel pogingen" in html
    assert "Wacht een kwartier" in html


def test_eleventh_wrong_password_for_an_account_is_refused(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for _ in range(10):
        page = attempt(client, "lezer@example.nl")
        assert page.status_code == 200
        assert BAD_LOGIN in page.get_data(as_text=True)
    assert_dutch_429(attempt(client, "lezer@example.nl"))
    # Refused before the password is even checked: the right one is turned away too.
    assert_dutch_429(attempt(client, "lezer@example.nl", DEFAULT_PASSWORD))


def test_account_throttle_holds_across_addresses(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for i in range(10):
        assert attempt(app.test_client(), "lezer@example.nl", address=f"10.0.0.{i + 1}").status_code == 200
    assert_dutch_429(attempt(app.test_client(), "Lezer@example.nl", DEFAULT_PASSWORD, address="10.0.0.99"))


def test_address_throttle_holds_across_accounts(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for i in range(10):
        assert attempt(client, f"gok{i}@example.nl", address="192.0.2.7").status_code == 200
    assert_dutch_429(attempt(client, "lezer@example.nl", DEFAULT_PASSWORD, address="192.0.2.7"))
    assert attempt(app.test_client(), "lezer@example.nl", DEFAULT_PASSWORD, address="192.0.2.8").status_code == 302


def test_successful_logins_are_not_counted(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for _ in range(12):
        assert attempt(app.test_client(), "lezer@example.nl", DEFAULT_PASSWORD).status_code == 302


def _redis_or_skip():
    return redis_or_skip(REDIS_URL, "shared throttle counter")


def test_two_app_instances_share_the_login_counter_through_redis(app_factory):
    connection = _redis_or_skip()
    tag = uuid.uuid4().hex[:10]
    email = f"gedeeld-{tag}@example.nl"
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    first = app_factory(REDIS_URL=REDIS_URL)
    second = app_factory(reuse_db=True, REDIS_URL=REDIS_URL)
    make_user(first, email, org="GM0344", role="viewer")
    try:
        for _ in range(5):
            assert attempt(first.test_client(), email, address=address).status_code == 200
            assert attempt(second.test_client(), email, address=address).status_code == 200
        assert_dutch_429(attempt(first.test_client(), email, DEFAULT_PASSWORD, address=address))
        assert_dutch_429(attempt(second.test_client(), email, DEFAULT_PASSWORD, address=address))
        assert any(True for _ in connection.scan_iter(match=f"*{tag}*"))
    finally:
        for pattern in (f"*{tag}*", f"*{address}*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)


# --- CSRF -------------------------------------------------------------------------------

def test_login_post_without_csrf_token_is_400(csrf_app):
    make_user(csrf_app, "lezer@example.nl", org="GM0344", role="viewer")
    client = csrf_app.test_client()
    page = client.post("/inloggen", data={"email": "lezer@example.nl", "password": DEFAULT_PASSWORD})
    assert page.status_code == 400
    assert "Ongeldig verzoek" in page.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in

    token = csrf_token(client.get("/inloggen"))
    page = client.post("/inloggen", data={"email": "lezer@example.nl", "password": DEFAULT_PASSWORD,
                                          "csrf_token": token})
    assert page.status_code == 302


def test_signed_in_form_without_csrf_token_is_400_and_writes_nothing(csrf_app):
    from core.db import db_session
    from core.orgs.models import Organisation

    make_user(csrf_app, "beheer@example.nl", platform_admin=True)
    client = csrf_app.test_client()
    token = csrf_token(client.get("/inloggen"))
    step = client.post("/inloggen", data={"email": "beheer@example.nl", "password": DEFAULT_PASSWORD,
                                          "csrf_token": token})
    assert step.status_code == 302 and step.headers["Location"] == "/inloggen/code"  # platform admins: two-factor
    token = csrf_token(client.get("/inloggen/code"))
    assert client.post("/inloggen/code", data={"code": totp_code(csrf_app, "beheer@example.nl"),
                                               "csrf_token": token}).status_code == 302
    form = {"kind": "werkgever", "identifier": "12345678", "name": "Bakkerij De Korenschoof"}

    def count():
        with csrf_app.app_context():
            return db_session().scalar(select(func.count()).select_from(Organisation)
                                       .where(Organisation.identifier == "12345678"))

    assert client.post("/beheer/organisaties/nieuw", data=form).status_code == 400
    assert client.post("/beheer/organisaties/nieuw", data={**form, "csrf_token": "vervalst"}).status_code == 400
    assert count() == 0
    token = csrf_token(client.get("/beheer/organisaties/nieuw"))
    assert client.post("/beheer/organisaties/nieuw", data={**form, "csrf_token": token}).status_code == 302
    assert count() == 1


# --- cookies and headers -------------------------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    cookie = set_cookie(login(client, "lezer@example.nl"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(app_factory, monkeypatch):
    monkeypatch.setenv("REGIO_ENV", "production")
    monkeypatch.setenv("SECRETS_KEY", "Ai6Q9VfQp2M1x0wXy3J8ZkRrTtUuVvWwXxYyZz01234=")  # production requires one
    monkeypatch.setenv("AUDIT_KEY", "a" * 40)  # and an audit key
    app = app_factory()
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    page = app.test_client().post("/inloggen", base_url="https://localhost",
                                  data={"email": "lezer@example.nl", "password": DEFAULT_PASSWORD})
    assert page.status_code == 302
    cookie = set_cookie(page, "__Host-regio-session")  # __Host-: Secure, Path=/, no Domain
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/;" in cookie + ";" and "Domain=" not in cookie
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_security_headers_on_public_signed_in_and_error_pages(app, client):
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    responses = [client.get("/inloggen")]
    login(client, "lezer@example.nl")
    responses += [client.get("/"), client.get("/regio/rmc-19/"), client.get("/regio/rmc-29/")]
    assert [r.status_code for r in responses] == [200, 200, 200, 404]
    for response in responses:
        csp = _csp(response)
        script_src = csp.get("script-src", csp.get("default-src"))
        assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert csp["frame-ancestors"] == ["'none'"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script would be blocked by the CSP"
        assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler would be blocked by the CSP"


# --- invites: regio users add --------------------------------------------------------------

def users_add(app, *args):
    return app.test_cli_runner().invoke(main, ["users", "add", *args])


def test_invite_link_lets_a_person_set_a_password_once_and_sign_in(app):
    result = users_add(app, "Nina@Example.nl", "--name", "Nina Nieuw", "--org", "GM0344", "--role", "editor")
    assert result.exit_code == 0, result.output
    assert "Gebruiker nina@example.nl aangemaakt." in result.stdout
    (link,) = re.findall(r"http://localhost/wachtwoord-instellen/\S+", result.stdout)
    path = urlsplit(link).path
    client = app.test_client()

    page = client.get(path)
    assert page.status_code == 200
    assert "Nina Nieuw" in page.get_data(as_text=True)

    short = client.post(path, data={"password": "kort", "confirm": "kort"})
    html = short.get_data(as_text=True)
    assert html.count("Een wachtwoord heeft minstens 12 tekens.") == 2  # next to the field and in the summary
    mismatch = client.post(path, data={"password": "lang-genoeg-wachtwoord", "confirm": "lang-genoeg-wachtwoordX"})
    assert mismatch.get_data(as_text=True).count("De wachtwoorden zijn niet gelijk.") == 2
    assert login(app.test_client(), "nina@example.nl", "lang-genoeg-wachtwoord").status_code == 200

    done = client.post(path, data={"password": "lang-genoeg-wachtwoord", "confirm": "lang-genoeg-wachtwoord"})
    assert done.status_code == 302 and done.headers["Location"] == "/inloggen"
    assert client.get(path).status_code == 404
    assert client.post(path, data={"password": "een-ander-wachtwoord", "confirm": "een-ander-wachtwoord"}).status_code == 404

    signed_in = app.test_client()
    assert login(signed_in, "nina@example.nl", "lang-genoeg-wachtwoord").status_code == 302
    assert 'href="/regio/rmc-19/"' in signed_in.get("/").get_data(as_text=True)
    assert login(app.test_client(), "nina@example.nl", "een-ander-wachtwoord").status_code == 200


def test_invite_link_with_a_forged_token_is_404(app):
    users_add(app, "nina@example.nl", "--name", "Nina Nieuw")
    assert app.test_client().get("/wachtwoord-instellen/vervalst.token.xyz").status_code == 404


def test_users_add_with_unknown_organisation_fails_clearly_and_creates_nobody(app):
    from core.db import db_session
    from core.identity.models import User

    result = users_add(app, "nina@example.nl", "--name", "Nina Nieuw", "--org", "GM9999", "--role", "editor")
    assert result.exit_code == 1
    assert "organisatie GM9999 bestaat niet" in result.stderr
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(User)) == 0


def test_users_add_refuses_a_duplicate_email(app):
    assert users_add(app, "nina@example.nl", "--name", "Nina Nieuw").exit_code == 0
    result = users_add(app, "NINA@example.nl", "--name", "Nina Twee")
    assert result.exit_code == 1
    assert "er bestaat al een gebruiker met e-mailadres nina@example.nl" in result.stderr
