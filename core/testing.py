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
}


def make_user(app, email: str, *, org: str | None = None, role: str | None = None,
              platform_admin: bool = False, password: str = DEFAULT_PASSWORD):
    """Create a user (with a membership in the organisation with identifier `org`) and return its id."""
    from core.db import db_session
    from core.identity.models import Membership, User
    from core.identity.passwords import hash_password
    from core.orgs.models import Organisation

    with app.app_context():
        session = db_session()
        user = User(email=email, name=email.split("@")[0], is_platform_admin=platform_admin,
                    password_hash=hash_password(password))
        session.add(user)
        session.flush()
        if org is not None:
            organisation = session.scalar(select(Organisation).where(Organisation.identifier == org))
            if organisation is None:
                raise LookupError(f"no organisation {org} in the test regions")
            session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role or "viewer"))
        session.commit()
        return user.id


def login(client, email: str, password: str = DEFAULT_PASSWORD):
    """Sign in through the login form; returns the response."""
    return client.post("/inloggen", data={"email": email, "password": password})
