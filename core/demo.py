"""The demo: real regions from regions/*.toml plus demo users for every role.

Idempotent: loading twice changes nothing. Passwords are derived from the
SECRET_KEY, so a rerun prints the same ones and every deployment differs.
The accounts that must have two-factor (platform admin, signatories, admins)
are enrolled with a TOTP key derived the same way; `regio demo` prints it,
to add to an authenticator app.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.consortia.models import ConsortiumMember
from core.identity import twofactor
from core.identity.models import ROLES, Membership, User
from core.identity.passwords import hash_password
from core.orgs.models import Organisation
from core.regions.models import Region
from core.regions.sync import sync_regions

DOMAIN = "demo.regioplatform.nl"

# (e-mail local part, name, organisation identifier or None, role, platform admin)
DEMO_USERS = [
    ("beheerder", "Bea Beheer", None, None, True),
    ("coordinator.utrecht", "Cor Coördinator", "MC19", "admin", False),
    ("invoer.gemeente-utrecht", "Ilse Invoer", "GM0344", "editor", False),
    ("lezer.gemeente-utrecht", "Lars Lezer", "GM0344", "viewer", False),
    ("invoer.nieuwegein", "Nora Nieuwegein", "GM0356", "editor", False),
    ("ondertekenaar.roc-midden-nederland", "Otto Ondertekenaar", "25LH", "signatory", False),
    ("invoer.roc-midden-nederland", "Iris Instelling", "25LH", "editor", False),
    ("werkgever.domstad", "Wim Werkgever", "90000011", "viewer", False),
    ("coordinator.rijnmond", "Rana Rijnmond", "MC29", "admin", False),
    ("invoer.rotterdam", "Rob Rotterdam", "GM0599", "editor", False),
    ("beheer.zadkine", "Zara Zadkine", "25LP", "admin", False),
]

# region slug -> instrument -> [(identifier or kind wildcard, consortium role)]
DEMO_CONSORTIA = {
    "rmc-19": {
        "vsv": [("MC19", "coordinator"), ("gemeente:*", "deelnemer"), ("mbo:*", "deelnemer")],
        "rif": [("25LH", "penvoerder"), ("90000011", "partner"), ("90000012", "partner"), ("GM0344", "adviseur")],
        "stagepact": [("MC19", "coordinator"), ("mbo:*", "deelnemer")],
        "kwetsbare_jongeren": [("MC19", "coordinator"), ("gemeente:*", "deelnemer"), ("90000012", "partner")],
    },
    "rmc-29": {
        "vsv": [("MC29", "coordinator"), ("gemeente:*", "deelnemer"), ("mbo:*", "deelnemer")],
        "rif": [("25LP", "penvoerder"), ("90000021", "partner"), ("90000022", "partner")],
        "stagepact": [("MC29", "coordinator"), ("mbo:*", "deelnemer")],
    },
}


@dataclass
class DemoAccount:
    email: str
    password: str
    description: str
    totp_secret: str | None = None  # the key for an authenticator app, for accounts that need two-factor


def demo_totp_secret(secret_key: str, email: str) -> str:
    """A 32-character base32 TOTP key derived from the secret key and the e-mail address."""
    digest = hmac.new(secret_key.encode(), b"totp:" + email.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def demo_password(secret_key: str, email: str) -> str:
    """A 19-character password derived from the secret key and the e-mail address."""
    digest = hmac.new(secret_key.encode(), email.encode(), hashlib.sha256).digest()
    raw = base64.b32encode(digest).decode().lower()[:16]
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def load_demo(session: Session, app: Flask) -> list[DemoAccount]:
    """Sync the regions, then create the demo users and consortia that are missing."""
    sync_regions(session, app.extensions["regioplatform.regions"])
    orgs = {o.identifier: o for o in session.scalars(select(Organisation))}
    accounts = []
    for local, name, ident, role, is_admin in DEMO_USERS:
        email = f"{local}@{DOMAIN}"
        password = demo_password(app.config["SECRET_KEY"], email)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, is_platform_admin=is_admin, password_hash=hash_password(password))
            session.add(user)
            session.flush()
        org = orgs.get(ident) if ident else None
        if org is not None and not any(m.organisation_id == org.id for m in user.memberships):
            session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
        what = "platformbeheerder" if is_admin else f"{ROLES[role]} bij {org.name if org else ident}"
        secret = None
        if is_admin or role in twofactor.TWO_FACTOR_ROLES:
            secret = demo_totp_secret(app.config["SECRET_KEY"], email)
            if not twofactor.has_two_factor(session, user):
                twofactor.enrol_with_secret(session, user, secret)
        accounts.append(DemoAccount(email, password, what, secret))
    _seed_consortia(session)
    session.flush()
    _instrument_demo_data(session, app)
    session.commit()
    return accounts


def _instrument_demo_data(session: Session, app: Flask) -> None:
    """Let every instrument add its demo records for the regions where it is enabled."""
    registry = app.extensions["regioplatform"]
    regions = session.scalars(select(Region).order_by(Region.slug)).all()
    for entry in registry.ordered():
        enabled = [r for r in regions if r.has_instrument(entry.key)]
        if enabled:
            registry.for_region({entry.key}).call("demo_data", session=session, regions=enabled)


def _seed_consortia(session: Session) -> None:
    for slug, instruments in DEMO_CONSORTIA.items():
        region = session.scalar(select(Region).where(Region.slug == slug))
        if region is None:
            continue
        present = {(cm.instrument_key, cm.organisation_id) for cm in session.scalars(
            select(ConsortiumMember).where(ConsortiumMember.region_id == region.id))}
        for key, seats in instruments.items():
            if not region.has_instrument(key):
                continue
            for pattern, role in seats:
                for member in region.members:
                    org = member.organisation
                    matches = (pattern == org.identifier or
                               (pattern.endswith(":*") and org.kind == pattern[:-2]))
                    if matches and (key, org.id) not in present:
                        session.add(ConsortiumMember(region_id=region.id, instrument_key=key,
                                                     organisation_id=org.id, role=role))
                        present.add((key, org.id))
