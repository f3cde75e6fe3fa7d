"""Test helpers for plugin authors: test config, users, sign-in.

Not part of `plugin_api`: these are for tests only.
"""
from __future__ import annotations

from sqlalchemy import select

DEFAULT_PASSWORD = "correct-horse-battery-staple"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "WTF_CSRF_ENABLED": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "BASE_URL": "http://localhost",
    # A fixed test-only signing key: no key file is generated and fsynced for every test app
    # (tests of the key file pass SIGNING_KEY="").
    "SIGNING_KEY": "0ElzGJS35l/ra+ardUSiSiUz0sFt2OnvvugorP4Y3IQ=",
}


def make_user(app, email: str, *, org: str | None = None, role: str | None = None,
              platform_admin: bool = False, password: str = DEFAULT_PASSWORD,
              two_factor: bool | None = None, ends_on=None, platform_role: str | None = None):
    """Create a user (with a membership in the organisation with identifier `org`) and return its id.

    `two_factor`: enrol a TOTP app (the secret is kept in the database; `login`
    and `totp_code` use it). None (default): enrol exactly the users who must
    have two-factor before they can act (platform admins, signatories, admins),
    so they sign in and act as before. `ends_on`: the membership's end date.
    `platform_role`: a role above the regions ("ministry", "assessor"), without an organisation.
    """
    from core.db import db_session
    from core.identity import twofactor
    from core.identity.models import Membership, User
    from core.identity.passwords import hash_password
    from core.orgs.models import Organisation

    with app.app_context():
        session = db_session()
        user = User(email=email, name=email.split("@")[0], is_platform_admin=platform_admin,
                    platform_role=platform_role, password_hash=hash_password(password))
        session.add(user)
        session.flush()
        if org is not None:
            organisation = session.scalar(select(Organisation).where(Organisation.identifier == org))
            if organisation is None:
                raise LookupError(f"no organisation {org} in the test regions")
            session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role or "viewer",
                                   ends_on=ends_on))
        session.flush()
        if two_factor is None:
            two_factor = platform_admin or bool(platform_role) or (org is not None and (role or "viewer") in twofactor.TWO_FACTOR_ROLES)
        if two_factor:
            import pyotp

            twofactor.enrol_with_secret(session, user, pyotp.random_base32())
        session.commit()
        return user.id


def totp_code(app, email: str, *, reuse: bool = True) -> str | None:
    """The current TOTP code of `email`'s enrolled app, or None when the user has no two-factor.

    `reuse`: forget the last accepted step first, so a test may sign in as the
    same user several times within one 30-second step (the app refuses a code
    twice; tests of that use reuse=False).
    """
    import pyotp
    from sqlalchemy import func

    from core.db import db_session
    from core.identity.models import TotpCredential, User

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        cred = session.get(TotpCredential, user.id) if user is not None else None
        if cred is None or cred.confirmed_at is None:
            return None
        if reuse:
            cred.last_step = 0
            session.commit()
        return pyotp.TOTP(cred.secret).now()


def login(client, email: str, password: str = DEFAULT_PASSWORD, *, code: str | None = None):
    """Sign in through the login form (and the code step when the user has two-factor); returns the response.

    `code`: the second-step code to send; default: the enrolled app's current code.
    """
    response = client.post("/inloggen", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers.get("Location", "").startswith("/inloggen/code"):
        if code is None:
            code = totp_code(client.application, email)
        response = client.post("/inloggen/code", data={"code": code or ""})
    return response


def fake_distribution(directory, name: str, entry_points: dict[str, dict[str, str]]) -> None:
    """Write an installed distribution's metadata into `directory` (put it on sys.path), as pip would.

    `entry_points`: group -> {name: "module:object" or "module"}, e.g.
    {"regioplatform.plugins": {"kwaliteit": "kwaliteit.hooks"}}. For tests of packaging: a plugin found
    this way is found exactly as an installed third-party package is.
    """
    import importlib
    from pathlib import Path

    from core import discovery

    info = Path(directory) / f"{name.replace('-', '_')}-0.0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n", encoding="utf-8")
    lines = []
    for group, items in entry_points.items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in items.items())
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    importlib.invalidate_caches()
    discovery.forget_installed()


def demo_app(instance, secret_key: str, **overrides):
    """A new app on a fresh SQLite file in `instance`, migrated, with the demo loaded (real regions).

    For browser tests and benchmarks that need the demo as a user sees it.
    """
    import os

    from core import create_app, migrate
    from core.config import PROJECT_ROOT
    from core.db import db_session
    from core.demo import load_demo

    os.environ["INSTANCE_PATH"] = str(instance)
    config = {**TEST_CONFIG, "SECRET_KEY": secret_key, "WTF_CSRF_ENABLED": True, "TESTING": False,
              "DATABASE_URL": f"sqlite:///{instance}/demo.db", "REGIONS_DIR": str(PROJECT_ROOT / "regions"),
              **overrides}
    app = create_app(config)
    with app.app_context():
        migrate.upgrade(app)
        load_demo(db_session(), app)
    return app


def serve(app):
    """Serve `app` on a free port of 127.0.0.1 in a background thread; returns (base URL, stop function)."""
    import logging
    import threading

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        app.extensions["regioplatform.db"].dispose()

    return f"http://127.0.0.1:{server.server_port}", stop
