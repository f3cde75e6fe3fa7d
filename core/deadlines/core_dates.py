"""The core's own deadlines: agreement end dates, signatures awaited, mandates ending."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.agreements.models import STATUS_SIGNING, Agreement, AgreementVersion
from core.authz import CORE_PERMISSIONS
from core.deadlines.model import Deadline
from core.identity.models import ROLES, Membership, User
from core.regions.models import Region

# An agreement's end date is the date term named "end" of the version in force (a template convention).
END_TERM = "end"
# Mandates that ended longer ago than this are no longer shown.
MANDATE_HISTORY = dt.timedelta(days=90)
NL = ZoneInfo("Europe/Amsterdam")


def coordinator_ids(region: Region) -> set[int]:
    return {m.organisation_id for m in region.members if m.is_coordinator}


def _term_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def agreement_deadlines(session: Session, region: Region, enabled: set[str]) -> list[Deadline]:
    """Signatures awaited on versions out for signing, and the end date of agreements in force."""
    sign_roles = CORE_PERMISSIONS["agreement.sign"].default_roles
    out = []
    # The agreements with their versions and in-force events in one statement; signatures and parties in one each.
    stmt = (select(Agreement).where(Agreement.region_id == region.id).order_by(Agreement.id)
            .options(joinedload(Agreement.versions).joinedload(AgreementVersion.in_force_event)))
    for agreement in session.scalars(stmt).unique():
        if agreement.instrument_key not in enabled:
            continue
        link_args = {"instrument": agreement.instrument_key, "agreement_id": agreement.id}
        latest = agreement.latest
        if latest.status == STATUS_SIGNING and latest.sent_at is not None:
            signed = sorted(s.organisation.name for s in latest.signatures)
            detail = (_l("versie %(number)s; al ondertekend door: %(names)s", number=latest.number,
                         names=", ".join(signed)) if signed
                      else _l("versie %(number)s; nog door niemand ondertekend", number=latest.number))
            out.append(Deadline(
                kind="sign", date=_local_day(latest.sent_at), title=latest.title,
                ref=f"agreement:{agreement.id}:v{latest.number}", organisations=latest.missing_ids,
                roles=sign_roles, link="regio.agreement", link_args=link_args, detail=detail))
        version = agreement.in_force
        end = _term_date((version.terms or {}).get(END_TERM)) if version is not None else None
        if end is not None:
            out.append(Deadline(
                kind="end", date=end, title=_l("Einde van %(title)s", title=version.title),
                ref=f"agreement:{agreement.id}:end", organisations=version.party_ids | coordinator_ids(region),
                roles={"signatory", "admin"}, link="regio.agreement", link_args=link_args,
                detail=_l("versie %(number)s", number=version.number)))
    return out


def mandate_deadlines(session: Session, region: Region, today: dt.date) -> list[Deadline]:
    """Roles with an end date in the region's organisations: for the admins of that organisation only."""
    org_ids = [m.organisation_id for m in region.members]
    if not org_ids:
        return []
    rows = session.execute(
        select(Membership, User.name).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(org_ids), Membership.ends_on.is_not(None),
               Membership.ends_on >= today - MANDATE_HISTORY, User.active.is_(True))
        .order_by(Membership.ends_on, Membership.id))
    return [Deadline(
        kind="end", date=m.ends_on,
        title=_l("Rol van %(name)s als %(role)s bij %(organisation)s loopt af", name=name,
                 role=ROLES.get(m.role, m.role), organisation=m.organisation.name),
        ref=f"membership:{m.id}", organisations={m.organisation_id}, roles={"admin"},
        link="orgs.members", link_args={"org_id": m.organisation_id}, private=True)
        for m, name in rows]


def _local_day(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(NL).date()
