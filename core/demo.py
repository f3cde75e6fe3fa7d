"""The demo: real regions from regions/*.toml plus demo users for every role.

Instruments add their demo records through the `demo_data` hook. What it
returns the core applies: `DemoConsortiumMember`s become the instrument's
consortium in a region, and `DemoAgreement`s the core drafts from the
instrument's template, sends and has signed by the demo users of every
party, so the demo shows agreements in force. The core names no instrument.

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
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.consortia.models import ConsortiumMember
from core.identity import twofactor
from core.identity.models import PLATFORM_ROLES, ROLES, Membership, User
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
    # roles above the regions (no organisation): the ministry reads every region; a national assessor
    ("ministerie", "Mira Ministerie", None, "ministry", False),
    ("commissie", "Kees Commissie", None, "assessor", False),
]

@dataclass(frozen=True)
class DemoConsortiumMember:
    """A seat in the instrument's consortium in the demo; return these from `demo_data`.

    region:       the region's RMC code (MC19) or slug (rmc-19); it must have the instrument enabled
    organisation: a member organisation's identifier (BRIN, CBS code, KvK number, RMC code), or
                  "<kind>:*" (e.g. "gemeente:*") for every member organisation of that kind
    role:         the consortium role (coordinator, penvoerder, deelnemer, partner, adviseur)
    The core adds the seats that are missing, before the instrument's demo agreements are signed.
    """

    region: str
    organisation: str
    role: str


@dataclass(frozen=True)
class DemoAgreement:
    """A signed agreement an instrument wants in the demo; return a list of these from `demo_data`.

    region:   the region's RMC code (MC19) or slug (rmc-19); it must have the instrument enabled
    template: the key of one of the instrument's agreement templates
    title:    the agreement's title
    terms:    its structured terms, checked against the template like a coordinator's draft
    parties:  identifiers of the required parties (BRIN, CBS, RMC code); each is signed by a demo user of
              that organisation who may sign (signatory or admin)
    The core adds it only when the region has no agreement from that template yet.
    """

    region: str
    template: str
    title: str
    terms: dict = field(default_factory=dict)
    parties: tuple[str, ...] = ()


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
        platform_role = role if ident is None and role in PLATFORM_ROLES else None
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, is_platform_admin=is_admin, platform_role=platform_role,
                        password_hash=hash_password(password))
            session.add(user)
            session.flush()
        org = orgs.get(ident) if ident else None
        if org is not None and not any(m.organisation_id == org.id for m in user.memberships):
            session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
        if is_admin:
            what = "platformbeheerder"
        elif platform_role:
            what = str(PLATFORM_ROLES[platform_role])
        else:
            what = f"{ROLES[role]} bij {org.name if org else ident}"
        secret = None
        if is_admin or platform_role or role in twofactor.TWO_FACTOR_ROLES:
            secret = demo_totp_secret(app.config["SECRET_KEY"], email)
            if not twofactor.has_two_factor(session, user):
                twofactor.enrol_with_secret(session, user, secret)
        accounts.append(DemoAccount(email, password, what, secret))
    session.flush()
    _instrument_demo_data(session, app)
    _public_page(session)
    session.commit()
    return accounts


def _public_page(session: Session) -> None:
    """The demo coordinator's region shows its public page (consortia and agreements; nothing published yet)."""
    from core.public.service import switch
    from core.regions.models import Region

    region = session.scalar(select(Region).where(Region.rmc_code == "MC19"))
    if region is not None:
        switch(session, region, True)


def _instrument_demo_data(session: Session, app: Flask) -> None:
    """Let every instrument add its demo records for the regions where it is enabled, then seat the
    consortium members and sign the agreements they ask for."""
    registry = app.extensions["regioplatform"]
    regions = session.scalars(select(Region).order_by(Region.slug)).all()
    for entry in registry.ordered():
        enabled = [r for r in regions if r.has_instrument(entry.key)]
        if not enabled:
            continue
        items = [item for _key, item in registry.for_region({entry.key}).call("demo_data", session=session,
                                                                                 regions=enabled)]
        for item in items:
            if isinstance(item, DemoConsortiumMember):
                _seat(session, entry.key, item)
        session.flush()
        for item in items:
            if isinstance(item, DemoAgreement):
                session.flush()
                _signed_agreement(session, entry, item)
            elif not isinstance(item, DemoConsortiumMember):
                raise RuntimeError(f"plugin '{entry.key}', hook demo_data: returned {type(item).__name__}; "
                                   "expected DemoConsortiumMember or DemoAgreement items")


def _signed_agreement(session: Session, entry, wanted: DemoAgreement) -> None:
    """Draft, send and sign `wanted` for the instrument of `entry`, unless its region already has one."""
    from core.agreements import service
    from core.agreements.models import Agreement

    where = f"plugin '{entry.key}', demo agreement '{wanted.title}'"
    region = session.scalar(select(Region).where((Region.rmc_code == wanted.region) | (Region.slug == wanted.region)))
    if region is None or not region.has_instrument(entry.key):
        raise RuntimeError(f"{where}: region '{wanted.region}' is unknown or has {entry.key} disabled")
    if session.scalar(select(Agreement.id).where(Agreement.region_id == region.id,
                                                  Agreement.instrument_key == entry.key,
                                                  Agreement.template_key == wanted.template)) is not None:
        return
    template = service.find_template(entry, wanted.template)
    if template is None:
        raise RuntimeError(f"{where}: the instrument has no template '{wanted.template}'")
    parties, signers = [], []
    for identifier in wanted.parties:
        org = session.scalar(select(Organisation).where(Organisation.identifier == identifier))
        signer = org and session.scalar(
            select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id, Membership.role.in_(("signatory", "admin")),
                   User.email.like(f"%@{DOMAIN}")).order_by(User.id))
        if signer is None:
            raise RuntimeError(f"{where}: no demo user may sign for '{identifier}' (add one to DEMO_USERS)")
        parties.append(org)
        signers.append((org, signer))
    author = signers[0][1]
    agreement = service.create_agreement(session, region=region, instrument_key=entry.key, template=template,
                                         title=wanted.title, text_=template.text, terms=wanted.terms,
                                         parties=parties, user=author)
    service.send_for_signing(session, agreement, basis=agreement.latest.fingerprint, user=author)
    for org, signer in signers:
        agreement = service.lock_agreement(session, agreement.id)
        service.sign(session, agreement, organisation_id=org.id, fingerprint=agreement.latest.fingerprint,
                     user=signer)


def _seat(session: Session, key: str, wanted: DemoConsortiumMember) -> None:
    """Add the consortium seats of `wanted` for instrument `key` that are missing."""
    region = session.scalar(select(Region).where((Region.rmc_code == wanted.region) | (Region.slug == wanted.region)))
    if region is None or not region.has_instrument(key):
        raise RuntimeError(f"plugin '{key}', demo consortium member '{wanted.organisation}': region "
                           f"'{wanted.region}' is unknown or has {key} disabled")
    present = set(session.scalars(select(ConsortiumMember.organisation_id).where(
        ConsortiumMember.region_id == region.id, ConsortiumMember.instrument_key == key)))
    for member in region.members:
        org = member.organisation
        pattern = wanted.organisation
        if pattern == org.identifier or (pattern.endswith(":*") and org.kind == pattern[:-2]):
            if org.id not in present:
                session.add(ConsortiumMember(region_id=region.id, instrument_key=key, organisation_id=org.id,
                                             role=wanted.role))
                present.add(org.id)
