"""`regio demo --load-only`: demo accounts for every role, idempotent, and usable to sign in."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core.cli import main
from core.testing import TEST_CONFIG, login
from tests.core.instruments import enabled_in

ACCOUNT_LINE = re.compile(r"^\s+(\S+@\S+)\s+([a-z0-9]{4}(?:-[a-z0-9]{4}){3})\s+(.+?)\s*$")
TOTP_LINE = re.compile(r"^\s+(\S+@\S+)\s+sleutel ([A-Z2-7]{32})\s*$")


def load_demo(app):
    result = app.test_cli_runner().invoke(main, ["demo", "--load-only"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def accounts(result) -> dict[str, tuple[str, str]]:
    """E-mail -> (password, description) from the printed table."""
    found = {}
    for line in result.stdout.splitlines():
        match = ACCOUNT_LINE.match(line)
        if match:
            found[match.group(1)] = (match.group(2), match.group(3))
    return found


def totp_keys(result) -> dict[str, str]:
    """E-mail -> the printed TOTP key (the accounts that must have two-factor)."""
    return {m.group(1): m.group(2) for m in map(TOTP_LINE.match, result.stdout.splitlines()) if m}


def by_description(printed: dict, description: str) -> tuple[str, str]:
    (hit,) = [(email, pw) for email, (pw, what) in printed.items() if what == description]
    return hit


def table_counts(app) -> dict[str, int]:
    from core.db import Base, db_session

    with app.app_context():
        session = db_session()
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def signed_in(app, email: str, password: str):
    client = app.test_client()
    page = login(client, email, password)
    assert page.status_code == 302, f"{email} cannot sign in with the printed password"
    return client


def test_demo_prints_an_account_with_password_for_every_role(app):
    result = load_demo(app)
    assert result.stdout.startswith("Demo-accounts (e-mailadres / wachtwoord / rol):")
    printed = accounts(result)
    descriptions = [what for _pw, what in printed.values()]
    assert "platformbeheerder" in descriptions
    for role in ("lezer", "invoerder", "ondertekenaar", "beheerder"):
        assert any(what.startswith(f"{role} bij ") for what in descriptions), role
    assert len({pw for pw, _what in printed.values()}) == len(printed), "every account has its own password"
    keys = totp_keys(result)
    # Nothing else in the output: the table, the two-factor heading and a key per account that needs one.
    assert len(printed) + 1 + (len(keys) + 1 if keys else 0) == len(result.stdout.splitlines())
    two_factor = {what for email, (_pw, what) in printed.items() if email in keys}
    assert "platformbeheerder" in two_factor and any(w.startswith("ondertekenaar bij ") for w in two_factor)
    assert not any(w.startswith(("lezer bij ", "invoerder bij ")) for w in two_factor)


def test_every_printed_account_can_sign_in(app):
    import pyotp

    result = load_demo(app)
    printed, keys = accounts(result), totp_keys(result)
    assert printed
    for email, (password, _what) in printed.items():
        client = app.test_client()
        # With the printed key only (what a person has): not the helper's look-up in the database.
        code = pyotp.TOTP(keys[email]).now() if email in keys else None
        page = login(client, email, password, code=code)
        assert page.status_code == 302 and page.headers["Location"] == "/", email
        assert client.get("/").status_code == 200


def test_demo_accounts_see_their_own_region(app):
    printed = accounts(load_demo(app))

    email, password = by_description(printed, "invoerder bij Gemeente Utrecht")
    client = signed_in(app, email, password)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/regio/rmc-19/"' in home and 'href="/regio/rmc-29/"' not in home
    assert client.get("/regio/rmc-19/").status_code == 200
    assert client.get("/regio/rmc-29/").status_code == 404

    email, password = by_description(printed, "invoerder bij Gemeente Rotterdam")
    client = signed_in(app, email, password)
    assert client.get("/regio/rmc-29/").status_code == 200
    assert client.get("/regio/rmc-19/").status_code == 404

    # The coordinator sees the demo consortia and may manage them.
    email, password = by_description(printed, "beheerder bij RMC Utrecht")
    client = signed_in(app, email, password)
    region = client.get("/regio/rmc-19/").get_data(as_text=True)
    assert "<th scope=\"row\">ROC Midden Nederland</th><td>mbo-instelling</td><td>penvoerder</td>" in region
    for key in enabled_in(app, "rmc-19"):  # every instrument's consortium page (the seats come from demo_data)
        assert client.get(f"/regio/rmc-19/consortium/{key}").status_code == 200

    email, password = by_description(printed, "platformbeheerder")
    client = signed_in(app, email, password)
    home = client.get("/").get_data(as_text=True)
    assert all(f'href="/regio/{slug}/"' in home for slug in ("rmc-12", "rmc-19", "rmc-29"))
    assert client.get("/beheer/").status_code == 200


def test_running_the_demo_twice_changes_nothing(app):
    first = load_demo(app)
    counts = table_counts(app)
    assert counts["user_account"] == len(accounts(first))
    assert counts["consortium_member"] > 0

    second = load_demo(app)
    assert table_counts(app) == counts  # audit_entry included: no new entries either
    assert accounts(second) == accounts(first)


def test_demo_passwords_differ_per_deployment(app_factory):
    from cryptography.fernet import Fernet

    # One SECRETS_KEY for both: on PostgreSQL the two apps share the test database, and without it the
    # encryption key would be derived from SECRET_KEY too (the second could not read the first's secrets).
    secrets_key = Fernet.generate_key().decode()
    first = accounts(load_demo(app_factory(SECRETS_KEY=secrets_key)))
    other_key = app_factory(SECRET_KEY=TEST_CONFIG["SECRET_KEY"][::-1], SECRETS_KEY=secrets_key)
    second = accounts(load_demo(other_key))
    assert first.keys() == second.keys()
    assert all(first[email][0] != second[email][0] for email in first)
