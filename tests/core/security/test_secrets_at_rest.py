"""Secrets at rest: TOTP secrets and outbox messages are Fernet tokens in the database; keys rotate."""
from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, text

from core.cli import main as regio
from core.testing import login, make_user

KEY_1, KEY_2, KEY_3 = (Fernet.generate_key().decode() for _ in range(3))
BASE32 = re.compile(r"^[A-Z2-7]{16,}$")


def raw(app, sql: str) -> list:
    from core.db import database

    with app.app_context(), database().engine.connect() as conn:
        return [row[0] for row in conn.execute(text(sql))]


def stored_secret(app, user_id: int) -> str:
    from core.db import db_session
    from core.identity.models import TotpCredential

    with app.app_context():
        return db_session().get(TotpCredential, user_id).secret


def test_a_totp_secret_is_stored_encrypted_and_sign_in_still_works(app_factory):
    app = app_factory(SECRETS_KEY=KEY_1)
    user_id = make_user(app, "teken@example.nl", org="GM0344", role="signatory")
    secret = stored_secret(app, user_id)
    assert BASE32.match(secret)
    (token,) = raw(app, "SELECT secret FROM totp_credential")
    assert token.startswith("gAAAAA") and secret not in token
    assert Fernet(KEY_1).decrypt(token.encode()).decode() == secret
    assert login(app.test_client(), "teken@example.nl").status_code == 302


def test_the_outbox_stores_no_live_link_and_shows_only_recipient_and_subject(app_factory):
    app = app_factory()
    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    assert login(admin, "beheer@example.nl").status_code == 302
    done = admin.post("/beheer/gebruikers/nieuw", data={"email": "nieuw@example.nl", "name": "Nieuwe Collega"})
    assert done.status_code == 302
    admin.get(done.headers["Location"])  # the creating admin is shown the link once, as `regio users add` prints it
    (body,) = raw(app, "SELECT body FROM mail_outbox")
    assert body.startswith("gAAAAA") and "wachtwoord-instellen" not in body and "Nieuwe Collega" not in body

    page = admin.get("/beheer/outbox").get_data(as_text=True)
    assert "nieuw@example.nl" in page and "Uitnodiging voor het Regioplatform" in page
    assert "wachtwoord-instellen" not in page and "Beste Nieuwe Collega" not in page

    # The platform itself still reads the message (to deliver it), and the link in it works once.
    from core.db import db_session
    from core.mail import OutboxMessage

    with app.app_context():
        message = db_session().scalars(select(OutboxMessage)).one()
        (link,) = re.findall(r"https?://[^/\s]+(/wachtwoord-instellen/\S+)", message.body)
    assert app.test_client().get(link).status_code == 200


def test_a_reset_link_is_not_readable_in_the_database(app_factory):
    app = app_factory()
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    assert app.test_client().post("/wachtwoord-vergeten", data={"email": "lezer@example.nl"}).status_code == 302
    (body,) = raw(app, "SELECT body FROM mail_outbox")
    assert "wachtwoord-instellen" not in body and body.startswith("gAAAAA")


def test_a_password_set_through_a_link_is_audited_with_the_person_as_actor(app_factory):
    from core.audit.models import AuditEntry
    from core.db import db_session
    from core.mail import OutboxMessage

    app = app_factory()
    user_id = make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    app.test_client().post("/wachtwoord-vergeten", data={"email": "lezer@example.nl"})
    with app.app_context():
        body = db_session().scalars(select(OutboxMessage)).one().body
    (link,) = re.findall(r"https?://[^/\s]+(/wachtwoord-instellen/\S+)", body)
    new = "een-heel-ander-wachtwoord-voor-de-test"
    assert app.test_client().post(link, data={"password": new, "confirm": new}).status_code == 302
    with app.app_context():
        entry = db_session().scalars(select(AuditEntry).where(AuditEntry.object_type == "user_account",
                                                              AuditEntry.object_id == str(user_id),
                                                              AuditEntry.action == "update")).all()[-1]
    assert (entry.user_id, entry.actor) == (user_id, "lezer@example.nl")


def test_keys_rotate_re_encrypts_every_secret_with_the_first_key(app_factory):
    first = app_factory(SECRETS_KEY=KEY_1)
    user_id = make_user(first, "teken@example.nl", org="GM0344", role="signatory")
    secret = stored_secret(first, user_id)
    first.test_client().post("/wachtwoord-vergeten", data={"email": "teken@example.nl"})
    before = raw(first, "SELECT body FROM mail_outbox")[0]

    # The new key first, the old one still there to read: rotate.
    both = app_factory(reuse_db=True, SECRETS_KEY=f"{KEY_2},{KEY_1}")
    result = both.test_cli_runner().invoke(regio, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "totp_credential: 1 waarde(n)" in result.output and "mail_outbox: 1 waarde(n)" in result.output

    # Now the old key can go.
    second = app_factory(reuse_db=True, SECRETS_KEY=KEY_2)
    assert stored_secret(second, user_id) == secret
    for token in raw(second, "SELECT secret FROM totp_credential") + raw(second, "SELECT body FROM mail_outbox"):
        Fernet(KEY_2).decrypt(token.encode())
        with pytest.raises(InvalidToken):
            Fernet(KEY_1).decrypt(token.encode())
    assert Fernet(KEY_2).decrypt(raw(second, "SELECT body FROM mail_outbox")[0].encode()) == \
        Fernet(KEY_1).decrypt(before.encode())
    assert login(second.test_client(), "teken@example.nl").status_code == 302


def test_keys_rotate_without_the_old_key_changes_nothing(app_factory):
    first = app_factory(SECRETS_KEY=KEY_1)
    make_user(first, "teken@example.nl", org="GM0344", role="signatory")
    before = raw(first, "SELECT secret FROM totp_credential")
    wrong = app_factory(reuse_db=True, SECRETS_KEY=KEY_3)
    result = wrong.test_cli_runner().invoke(regio, ["keys", "rotate"])
    assert result.exit_code != 0
    assert "niets opnieuw versleuteld" in result.output and "totp_credential" in result.output
    assert raw(first, "SELECT secret FROM totp_credential") == before


def test_keys_generate_prints_a_fernet_key(app_factory):
    result = app_factory().test_cli_runner().invoke(regio, ["keys", "generate"])
    assert result.exit_code == 0
    Fernet(result.output.strip())


def test_production_requires_secrets_key_and_a_wrong_key_is_refused(app_factory, monkeypatch):
    from core.config import ConfigError

    monkeypatch.setenv("REGIO_ENV", "production")
    monkeypatch.delenv("SECRETS_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRETS_KEY"):
        app_factory()
    monkeypatch.delenv("REGIO_ENV")
    with pytest.raises(ConfigError, match="SECRETS_KEY: key 2 is not a Fernet key"):
        app_factory(SECRETS_KEY=f"{KEY_1},geen-sleutel")


def test_the_migration_encrypts_existing_plaintext_and_downgrade_restores_it(tmp_path):
    from core import migrate
    from core.db import db_session
    from core.identity.models import TotpCredential
    from core.mail import OutboxMessage
    from tests.conftest import build_app

    app = build_app(f"sqlite:///{tmp_path / 'old.db'}", tmp_path, SECRETS_KEY=KEY_1)
    plain_secret, plain_body = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "Beste X, https://x/wachtwoord-instellen/abc"
    with app.app_context():
        migrate.upgrade(app, "c0de00000005")
        with app.extensions["regioplatform.db"].engine.begin() as conn:
            conn.execute(text("INSERT INTO user_account (id, email, name, is_platform_admin, active, created_at, "
                              "session_version) VALUES (1, 'a@example.nl', 'A', 0, 1, '2026-01-01', 1)"))
            conn.execute(text("INSERT INTO totp_credential (user_id, secret, created_at, last_step) "
                              "VALUES (1, :s, '2026-01-01', 0)"), {"s": plain_secret})
            conn.execute(text("INSERT INTO mail_outbox (id, created_at, recipients, subject, body) "
                              "VALUES (1, '2026-01-01', 'a@example.nl', 'Onderwerp', :b)"), {"b": plain_body})
        migrate.upgrade(app)
        assert db_session().get(TotpCredential, 1).secret == plain_secret
        assert db_session().get(OutboxMessage, 1).body == plain_body
        db_session().close()
    (secret_token,) = raw(app, "SELECT secret FROM totp_credential")
    (body_token,) = raw(app, "SELECT body FROM mail_outbox")
    assert secret_token.startswith("gAAAAA") and body_token.startswith("gAAAAA")
    with app.app_context():
        migrate.upgrade(app)  # again: nothing to do, nothing encrypted twice
        migrate.downgrade(app, "c0de00000005")
    assert raw(app, "SELECT secret FROM totp_credential") == [plain_secret]
    assert raw(app, "SELECT body FROM mail_outbox") == [plain_body]
    app.extensions["regioplatform.db"].dispose()
