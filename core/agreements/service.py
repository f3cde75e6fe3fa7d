"""The rules of agreements: drafting, sending, editing, signing, withdrawing, ending.

Every change to an agreement first takes a lock on its `agreement` row
(`lock_agreement`: SELECT … FOR UPDATE on PostgreSQL, the database write
lock on SQLite), and then reads the versions and signatures afresh. So
changes to one agreement are serialised by the database, in every worker
and on every server; no Python lock is involved. The constraints in
`core.agreements.models` stop what a bug might still let through.

Authorization is the caller's job (the views call `authorize`); these
functions enforce the state rules and raise `AgreementError` with a message
in the reader's language (Dutch outside a request) when an action does not
fit the current state. E-mails stay Dutch.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, object_session

from core.agreements.models import (CONCEPT, ENDED, SENT, STATUS_CONCEPT, STATUS_IN_FORCE, STATUS_SIGNING,
                                    SUPERSEDED, Agreement, AgreementInForce, AgreementParty,
                                    AgreementSignature, AgreementVersion)
from core.agreements.templates import AgreementTemplate, TermsError, generic_template
from core.authz import CORE_PERMISSIONS
from core.consortia.models import ConsortiumMember
from core.db import db_session, utcnow
from core.identity.models import Membership, User
from core.mail import queue_mail
from core.orgs.models import Organisation
from core.regions.context import RuleContext
from core.regions.models import Region, RegionMember
from core.request_memo import request_memo


class AgreementError(Exception):
    """An action that does not fit the agreement's current state; the message is Dutch and shown as is."""

    status_code = 409


class StaleFingerprint(AgreementError):
    """The version the user saw is no longer the one out for signing."""


class StaleEdit(AgreementError):
    """Someone changed the agreement after the form was opened."""


class NotAParty(AgreementError):
    status_code = 403


class TwoFactorRequired(AgreementError):
    """Signatories sign only with two-factor sign-in enabled (BIO, ASVS 2.x)."""

    status_code = 403


STALE_SIGNATURE_MESSAGE = _l(
    "De versie die u wilde ondertekenen is niet meer de versie die ter ondertekening ligt: de tekst, de "
    "afspraken of de partijen zijn intussen gewijzigd (of de ondertekening is gestopt). Uw handtekening is "
    "niet opgeslagen. Lees de actuele versie hieronder en onderteken opnieuw als u akkoord bent."
)


# --- templates and parties -------------------------------------------------

def templates_for(entry) -> tuple[AgreementTemplate, ...]:
    """The templates an instrument offers, or the generic text-only template when it offers none."""
    return tuple(entry.agreement_templates) or (generic_template(str(entry.info.name)),)


def find_template(entry, key: str) -> AgreementTemplate | None:
    return next((t for t in templates_for(entry) if t.key == key), None)


def consortium_organisations(session: Session, region: Region, instrument_key: str) -> list[Organisation]:
    """The organisations in the instrument's consortium in `region`: the candidates for required parties."""
    return list(session.scalars(
        select(Organisation).join(ConsortiumMember, ConsortiumMember.organisation_id == Organisation.id)
        .where(ConsortiumMember.region_id == region.id, ConsortiumMember.instrument_key == instrument_key)
        .order_by(Organisation.name)
    ))


def party_snapshot(orgs: Iterable[Organisation]) -> list[dict]:
    """The parties as they enter the fingerprint: identifier, kind and name, sorted by identifier."""
    return sorted(({"identifier": o.identifier, "kind": o.kind, "name": o.name} for o in orgs),
                  key=lambda p: p["identifier"])


def normalise_text(value: str) -> str:
    """One spelling of a text: NFC, Unix line ends, no trailing whitespace."""
    value = unicodedata.normalize("NFC", value or "")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in value.split("\n")).strip("\n")


def normalise_title(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


# --- locking ---------------------------------------------------------------

def lock_agreement(session: Session, agreement_id: int) -> Agreement | None:
    """Lock the agreement row for the rest of the transaction and reload it with its versions.

    PostgreSQL: SELECT … FOR UPDATE (a second transaction waits here until the
    first commits, then reads what it wrote). SQLite: a no-op UPDATE takes the
    database's write lock up front. Everything loaded before is expired, so
    no decision is taken on what was read before the lock.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE agreement SET id = id WHERE id = :id"), {"id": agreement_id})
    session.expire_all()
    return session.scalar(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update(of=Agreement)
        .execution_options(populate_existing=True)
    )


# --- drafting --------------------------------------------------------------

def _build_version(agreement: Agreement, *, number: int, title: str, text_: str, terms: dict,
                   orgs: list[Organisation], state: str, user) -> AgreementVersion:
    version = AgreementVersion(
        region_id=agreement.region_id, number=number, title=normalise_title(title),
        text=normalise_text(text_), terms=terms, parties=party_snapshot(orgs), state=state,
        created_by_id=getattr(user, "id", None), sent_at=utcnow() if state == SENT else None,
    )
    version.party_rows = [AgreementParty(region_id=agreement.region_id, organisation_id=o.id) for o in orgs]
    session = object_session(agreement)
    with session.no_autoflush:  # no INSERT before the fingerprint is there
        agreement.versions.append(version)  # from the parent side, so the session cascade picks it up
        version.fingerprint = version.compute_fingerprint()
    return version


def _check_parties(orgs: list[Organisation]) -> None:
    if not orgs:
        raise AgreementError(_("Kies minstens één verplichte partij uit het consortium."))


def create_agreement(session: Session, *, region: Region, instrument_key: str, template: AgreementTemplate,
                     title: str, text_: str, terms: dict, parties: list[Organisation], user) -> Agreement:
    """A new agreement with version 1 as a concept."""
    terms = template.validate_terms(terms, RuleContext(region, instrument_key, user))
    _check_parties(parties)
    agreement = Agreement(region=region, region_id=region.id, instrument_key=instrument_key,
                          template_key=template.key, created_by_id=getattr(user, "id", None))
    session.add(agreement)
    session.flush()
    _build_version(agreement, number=1, title=title, text_=text_, terms=terms, orgs=parties, state=CONCEPT, user=user)
    session.flush()
    return agreement


@dataclass
class EditOutcome:
    version: AgreementVersion
    kind: str  # "unchanged", "edited" (concept in place), "voided" (new version out for signing), "amendment"


def edit_agreement(session: Session, agreement: Agreement, *, basis: str, template: AgreementTemplate,
                   title: str, text_: str, terms: dict, parties: list[Organisation], user) -> EditOutcome:
    """Apply an edit to a locked agreement.

    A concept changes in place. A version out for signing is frozen: the edit
    becomes a new version out for signing, the old one is "vervangen" and its
    signatures no longer count (the signatories are told). A version in force
    stays in force; the edit becomes a new concept (an amendment) that
    replaces it once all its parties have signed.
    """
    base = agreement.open_version or agreement.in_force
    if base is None:
        raise AgreementError(_("Deze afspraak is beëindigd en kan niet meer worden gewijzigd."))
    if basis != base.fingerprint:
        raise StaleEdit(_("De afspraak is gewijzigd nadat u dit formulier opende. Bekijk de actuele versie en "
                          "breng uw wijziging opnieuw aan."))
    terms = template.validate_terms(terms, RuleContext(agreement.region, agreement.instrument_key, user))
    _check_parties(parties)
    new_title, new_text, snapshot = normalise_title(title), normalise_text(text_), party_snapshot(parties)
    if (new_title, new_text, terms, snapshot) == (base.title, base.text, base.terms, base.parties):
        return EditOutcome(base, "unchanged")
    if base.status == STATUS_CONCEPT:
        base.title, base.text, base.terms, base.parties = new_title, new_text, terms, snapshot
        wanted = {o.id for o in parties}
        for row in list(base.party_rows):
            if row.organisation_id not in wanted:
                base.party_rows.remove(row)
        present = base.party_ids
        for org in parties:
            if org.id not in present:
                base.party_rows.append(AgreementParty(region_id=agreement.region_id, organisation_id=org.id))
        base.fingerprint = base.compute_fingerprint()
        session.flush()
        return EditOutcome(base, "edited")
    number = agreement.latest.number + 1
    if base.status == STATUS_SIGNING:
        old_signers = [s.user_id for s in base.signatures]
        base.state = SUPERSEDED
        version = _build_version(agreement, number=number, title=title, text_=text_, terms=terms,
                                 orgs=parties, state=SENT, user=user)
        session.flush()
        _notify_voided(session, agreement, base, version, old_signers)
        return EditOutcome(version, "voided")
    version = _build_version(agreement, number=number, title=title, text_=text_, terms=terms,
                             orgs=parties, state=CONCEPT, user=user)
    session.flush()
    return EditOutcome(version, "amendment")


@dataclass(frozen=True)
class MissingSignatory:
    """A required party without anyone who may sign for it today, and who can appoint a signatory."""

    organisation: Organisation
    appointers: tuple[str, ...]  # "name (e-mail)" of the platform admins, who add members to any organisation


def parties_without_signatory(session: Session, version: AgreementVersion) -> list[MissingSignatory]:
    """The parties of `version` with no active user whose role there applies today and may sign."""
    from core.identity.models import today

    ids = version.party_ids
    if not ids:
        return []
    with_signatory = set(session.scalars(
        select(Membership.organisation_id).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(ids), Membership.role.in_(SIGN_ROLES), User.active.is_(True),
               Membership.ends_on.is_(None) | (Membership.ends_on >= today()))))
    missing = sorted((p.organisation for p in version.party_rows if p.organisation_id not in with_signatory),
                     key=lambda o: o.name)
    if not missing:
        return []
    appointers = tuple(f"{name} ({email})" for name, email in session.execute(
        select(User.name, User.email).where(User.is_platform_admin.is_(True), User.active.is_(True))
        .order_by(User.name)))
    return [MissingSignatory(org, appointers) for org in missing]


def missing_signatory_message(missing: list[MissingSignatory]) -> str:
    """Why a concept cannot be sent, naming each party without a signatory and who can appoint one."""
    names = ", ".join(m.organisation.name for m in missing)
    appointers = missing[0].appointers
    who = (_("Een platformbeheerder kan er een aanwijzen: %(names)s.", names="; ".join(appointers)) if appointers
           else _("Vraag een platformbeheerder om er een aan te wijzen."))
    return _("Versturen kan pas als elke verplichte partij een actieve ondertekenaar heeft. Zonder ondertekenaar: "
             "%(parties)s.", parties=names) + " " + who


def send_for_signing(session: Session, agreement: Agreement, *, basis: str, user) -> AgreementVersion:
    """Freeze the concept and put it out for signing; the signatories of every party are told."""
    version = agreement.open_version
    if version is None or version.status != STATUS_CONCEPT:
        raise AgreementError(_("Er is geen concept om ter ondertekening te versturen."))
    if basis != version.fingerprint:
        raise StaleEdit(_("Het concept is gewijzigd nadat u de pagina opende. Controleer de actuele tekst en "
                          "verstuur opnieuw."))
    if not version.party_rows:
        raise AgreementError(_("Kies eerst minstens één verplichte partij."))
    missing = parties_without_signatory(session, version)
    if missing:
        raise AgreementError(missing_signatory_message(missing))
    version.state = SENT
    version.sent_at = utcnow()
    session.flush()
    _notify_signatories(
        session, version, version.party_ids,
        subject=f"Ter ondertekening: {version.title} (versie {version.number})",
        intro=(f"De afspraak '{version.title}' (versie {version.number}) ligt ter ondertekening. "
               "Uw organisatie is een verplichte partij."),
    )
    return version


def end_agreement(session: Session, agreement: Agreement, *, user) -> None:
    """End the agreement: the version in force and any open version become "beëindigd"."""
    touched = [v for v in agreement.versions if v.state in (CONCEPT, SENT)]
    if not touched:
        raise AgreementError(_("Deze afspraak is al beëindigd."))
    now = utcnow()
    for version in touched:
        version.state = ENDED
        version.ended_at = now
    session.flush()


# --- signing ---------------------------------------------------------------

@dataclass
class SignOutcome:
    signature: AgreementSignature
    in_force: AgreementInForce | None


def signable_version(agreement: Agreement) -> AgreementVersion | None:
    version = agreement.open_version
    return version if version is not None and version.status == STATUS_SIGNING else None


def sign(session: Session, agreement: Agreement, *, organisation_id: int, fingerprint: str, user) -> SignOutcome:
    """Record the organisation's signature on the version out for signing, if it is the one the user saw.

    The agreement must be locked (`lock_agreement`). When this signature is
    the last one missing, the in-force event is written in the same
    transaction (once: it is unique per version), any earlier version in force
    becomes "vervangen", and the coordinators are told.
    """
    from core.identity.twofactor import has_two_factor

    if not has_two_factor(session, user):
        raise TwoFactorRequired(_("Stel eerst tweestapsverificatie in (onder Account): zonder kunt u niet "
                                  "ondertekenen. De versie is niet ondertekend."))
    version = signable_version(agreement)
    if version is None or version.fingerprint != fingerprint:
        raise StaleFingerprint(str(STALE_SIGNATURE_MESSAGE))
    if organisation_id not in version.party_ids:
        raise NotAParty(_("Deze organisatie is geen verplichte partij van deze versie."))
    if organisation_id in version.signed_ids:
        raise AgreementError(_("Deze organisatie heeft deze versie al ondertekend."))
    signature = AgreementSignature(
        version_id=version.id, organisation_id=organisation_id, region_id=agreement.region_id,
        user_id=user.id, signer_name=user.name, signer_email=user.email, fingerprint=version.fingerprint,
        signed_at=utcnow(),
    )
    session.add(signature)
    session.flush()
    signed = set(session.scalars(
        select(AgreementSignature.organisation_id).where(AgreementSignature.version_id == version.id)))
    event = None
    if version.party_ids <= signed:
        event = AgreementInForce(agreement_id=agreement.id, version_id=version.id, region_id=agreement.region_id,
                                 fingerprint=version.fingerprint, at=signature.signed_at)
        session.add(event)
        for older in agreement.versions:
            if older.id != version.id and older.state == SENT:
                older.state = SUPERSEDED
        session.flush()
        _notify_in_force(session, agreement, version)
    session.expire(version)
    return SignOutcome(signature, event)


def withdraw_signature(session: Session, agreement: Agreement, *, organisation_id: int) -> AgreementSignature:
    """Remove the organisation's signature from the version out for signing (only before it is in force)."""
    version = signable_version(agreement)
    if version is None:
        if agreement.latest.status == STATUS_IN_FORCE:
            raise AgreementError(_("De afspraak is van kracht; een handtekening kan niet meer worden ingetrokken."))
        raise AgreementError(_("Er ligt geen versie ter ondertekening."))
    signature = next((s for s in version.signatures if s.organisation_id == organisation_id), None)
    if signature is None:
        raise AgreementError(_("Er is geen handtekening van deze organisatie om in te trekken."))
    session.delete(signature)
    session.flush()
    session.expire(version)
    return signature


# --- reading for instruments ----------------------------------------------

@dataclass(frozen=True)
class AgreementInForceView:
    """The agreement in force for an instrument in a region, as instruments read it."""

    agreement_id: int
    template_key: str
    title: str
    version: int
    terms: dict[str, Any]
    fingerprint: str
    since: Any  # datetime (UTC) of the last signature


def _in_force_rows(region_id: int):
    """(select of the versions in force in the region, their "since" expression): a version is in force when it
    was sent and every required party signed it (`AgreementVersion.status`); "since" is its in-force event,
    else its last signature. Versions and signatures are not loaded."""
    signed = (select(func.max(AgreementSignature.signed_at))
              .where(AgreementSignature.version_id == AgreementVersion.id).scalar_subquery())
    unsigned_party = (select(AgreementParty.id)
                      .where(AgreementParty.version_id == AgreementVersion.id,
                             ~select(AgreementSignature.id)
                             .where(AgreementSignature.version_id == AgreementVersion.id,
                                    AgreementSignature.organisation_id == AgreementParty.organisation_id)
                             .exists())
                      .exists())
    any_party = select(AgreementParty.id).where(AgreementParty.version_id == AgreementVersion.id).exists()
    since = func.coalesce(AgreementInForce.at, signed)
    stmt = (select(Agreement.id.label("agreement_id"), Agreement.template_key.label("template_key"),
                   AgreementVersion.title.label("title"), AgreementVersion.number.label("number"),
                   AgreementVersion.terms.label("terms"), AgreementVersion.fingerprint.label("fingerprint"),
                   since.label("since"), Agreement.instrument_key.label("instrument_key"))
            .join(AgreementVersion, AgreementVersion.agreement_id == Agreement.id)
            .outerjoin(AgreementInForce, AgreementInForce.version_id == AgreementVersion.id)
            .where(Agreement.region_id == region_id, AgreementVersion.state == SENT, any_party, ~unsigned_party))
    return stmt, since


def _view(row) -> AgreementInForceView:
    return AgreementInForceView(row.agreement_id, row.template_key, row.title, row.number, dict(row.terms),
                                row.fingerprint, _aware(row.since))


def in_force_for(session: Session, region_id: int, instrument_key: str,
                 template_key: str | None = None) -> AgreementInForceView | None:
    """The most recent agreement in force for (region, instrument[, template]), or None.

    One statement, whatever the number of agreements, versions and signatures.
    """
    stmt, since = _in_force_rows(region_id)
    stmt = (stmt.where(Agreement.instrument_key == instrument_key)
            .order_by(since.desc(), AgreementVersion.number.desc()).limit(1))
    if template_key is not None:
        stmt = stmt.where(Agreement.template_key == template_key)
    row = session.execute(stmt).first()
    return None if row is None else _view(row)


def in_force_of_region(session: Session, region_id: int) -> dict[tuple[str, str], AgreementInForceView]:
    """(instrument, template) -> the most recent agreement in force of that template in the region, for every
    instrument at once: one statement (a page whose widgets each ask for their instrument's asks once)."""
    stmt, since = _in_force_rows(region_id)
    rank = func.row_number().over(partition_by=(Agreement.instrument_key, Agreement.template_key),
                                  order_by=(since.desc(), AgreementVersion.number.desc()))
    ranked = stmt.add_columns(rank.label("rank")).subquery()
    rows = session.execute(select(ranked).where(ranked.c.rank == 1))
    return {(row.instrument_key, row.template_key): _view(row) for row in rows}


def _latest(found: dict[tuple[str, str], AgreementInForceView], instrument_key: str,
            template_key: str | None) -> AgreementInForceView | None:
    """The answer of `in_force_for` picked from `in_force_of_region`'s."""
    if template_key is not None:
        return found.get((instrument_key, template_key))
    views = [view for (key, _template), view in found.items() if key == instrument_key]
    return max(views, key=lambda view: (view.since, view.version), default=None)


def _aware(moment):
    """SQLite gives back naive datetimes from an expression; the stored moments are UTC."""
    import datetime as dt

    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


def draft_agreement(region: Region, instrument_key: str, template_key: str, *, terms: dict,
                    parties: list[Organisation], title: str | None = None, text: str | None = None,
                    user=None) -> Agreement:
    """A concept agreement that an instrument drafts from its own data: for instruments (exported by plugin_api).

    `template_key` names one of the instrument's own templates; `title` and
    `text` default to the template's. `terms` are validated by the template
    and `parties` must all be members of the instrument's consortium in
    `region`, as on the drafting page. Raises ValueError with a message in the
    reader's language otherwise. Authorization is the caller's: the instrument decides who may
    draft from its data (the coordinators send the concept for signing on the
    agreement page, as any other). Flushes; the caller commits.
    """
    entry = current_app.extensions["regioplatform"].entries.get(instrument_key)
    template = find_template(entry, template_key) if entry is not None else None
    if template is None:
        raise LookupError(f"instrument '{instrument_key}' offers no agreement template '{template_key}'")
    session = db_session()
    consortium = {o.id for o in consortium_organisations(session, region, instrument_key)}
    outside = [o for o in parties if o.id not in consortium]
    if outside:
        names = ", ".join(f"{o.name} ({o.identifier})" for o in outside)
        raise ValueError(_("Geen lid van het consortium %(instrument)s in regio %(region)s: %(names)s. De "
                           "coördinator kan organisaties aan het consortium toevoegen.",
                           instrument=entry.info.name, region=region.name, names=names))
    try:
        return create_agreement(session, region=region, instrument_key=instrument_key, template=template,
                                title=title or template.title, text_=text or template.text, terms=terms,
                                parties=list(parties), user=user)
    except TermsError as exc:
        labels = {t.name: t.label for t in template.terms}
        problems = "; ".join(f"{labels.get(path.split('.')[0], path)}: {message}"
                             for path, message in exc.errors.items())
        raise ValueError(_("De afspraken kloppen niet: %(problems)s", problems=problems)) from None
    except AgreementError as exc:
        raise ValueError(str(exc)) from None


def agreement_in_force(region, instrument_key: str, template_key: str | None = None) -> AgreementInForceView | None:
    """The terms in force for an instrument in a region: for instruments (exported by plugin_api).

    `region` is a Region (e.g. `current_region()`) or its id. Returns None when
    no agreement of that instrument (and template, if given) is in force;
    otherwise the most recent one, with `terms` as stored (validated by the
    template's schema: integers, strings, booleans; decimals and dates as
    strings). The caller has authorized the page it shows them on.
    """
    region_id = region.id if isinstance(region, Region) else int(region)
    session = db_session()
    kept = request_memo("agreement_in_force", session)  # asked per school year, per widget, per instrument
    if kept is None:
        return in_force_for(session, region_id, instrument_key, template_key)
    if region_id not in kept:
        kept[region_id] = in_force_of_region(session, region_id)
    return _latest(kept[region_id], instrument_key, template_key)


# --- notifications ---------------------------------------------------------

SIGN_ROLES = CORE_PERMISSIONS["agreement.sign"].default_roles


def signatory_emails(session: Session, organisation_ids: Iterable[int]) -> list[str]:
    ids = list(organisation_ids)
    if not ids:
        return []
    from core.identity.models import today

    return list(session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(ids), Membership.role.in_(SIGN_ROLES), User.active.is_(True),
               Membership.ends_on.is_(None) | (Membership.ends_on >= today()))
    ))


def coordinator_emails(session: Session, region_id: int) -> list[str]:
    from core.identity.models import today

    return list(session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .join(RegionMember, RegionMember.organisation_id == Membership.organisation_id)
        .where(RegionMember.region_id == region_id, RegionMember.is_coordinator.is_(True),
               Membership.role == "admin", User.active.is_(True),
               Membership.ends_on.is_(None) | (Membership.ends_on >= today()))
    ))


def agreement_link(agreement: Agreement) -> str:
    """The agreement's address under BASE_URL (built from the URL map: works outside a request too)."""
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    path = current_app.url_map.bind("localhost").build("regio.agreement", {
        "region": agreement.region.slug, "instrument": agreement.instrument_key, "agreement_id": agreement.id})
    return base + path


def _footer(agreement: Agreement, version: AgreementVersion) -> str:
    return (f"\n\nBekijk de afspraak: {agreement_link(agreement)}\n"
            f"Vingerafdruk van versie {version.number}: {version.fingerprint}\n\n"
            "Dit bericht is verstuurd door het Regioplatform.")


def _notify_signatories(session: Session, version: AgreementVersion, organisation_ids, *, subject: str, intro: str,
                        extra_emails: Iterable[str] = ()) -> None:
    recipients = signatory_emails(session, organisation_ids) + list(extra_emails)
    queue_mail(session, recipients, subject, intro + _footer(version.agreement, version))


def _notify_voided(session: Session, agreement: Agreement, old: AgreementVersion, new: AgreementVersion,
                   old_signer_ids: list[int | None]) -> None:
    signer_ids = [i for i in old_signer_ids if i is not None]
    extra = list(session.scalars(select(User.email).where(User.id.in_(signer_ids)))) if signer_ids else []
    intro = (f"De afspraak '{new.title}' is gewijzigd terwijl versie {old.number} ter ondertekening lag. "
             f"De handtekeningen op versie {old.number} zijn daardoor vervallen. Versie {new.number} ligt nu ter "
             "ondertekening; onderteken opnieuw als uw organisatie akkoord is.")
    _notify_signatories(session, new, old.party_ids | new.party_ids,
                        subject=f"Gewijzigd, opnieuw ondertekenen: {new.title} (versie {new.number})",
                        intro=intro, extra_emails=extra)


def _notify_in_force(session: Session, agreement: Agreement, version: AgreementVersion) -> None:
    recipients = coordinator_emails(session, agreement.region_id)
    if agreement.created_by_id:
        creator = session.get(User, agreement.created_by_id)
        if creator is not None and creator.active:
            recipients.append(creator.email)
    intro = (f"De afspraak '{version.title}' (versie {version.number}) is van kracht: alle "
             f"{len(version.party_rows)} verplichte partijen hebben deze versie ondertekend.")
    queue_mail(session, recipients, f"Van kracht: {version.title} (versie {version.number})",
               intro + _footer(agreement, version))
