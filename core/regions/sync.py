"""Write validated region declarations into the database, in one transaction.

Idempotent: a second run changes nothing. An organisation removed from a
file loses its region membership (and its consortium seats there), never
its data; an instrument removed or disabled keeps its row with `enabled = false`.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.consortia.models import ConsortiumMember
from core.orgs.models import Organisation
from core.regions.loader import RegionDecl
from core.regions.models import Region, RegionInstrument, RegionMember


@dataclass
class SyncReport:
    regions: int = 0
    changes: int = 0

    def __str__(self) -> str:
        return f"{self.regions} regio's gelezen, {self.changes} wijzigingen"


def _set(obj, report: SyncReport, **values) -> None:
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            report.changes += 1


def sync_regions(session: Session, decls: list[RegionDecl]) -> SyncReport:
    """Bring the database in line with `decls`; commits once, or rolls back on error."""
    report = SyncReport()
    try:
        orgs = {o.identifier: o for o in session.scalars(select(Organisation))}
        for decl in decls:
            for m in decl.members:
                org = orgs.get(m.identifier)
                if org is None:
                    org = Organisation(kind=m.kind, identifier=m.identifier, name=m.name)
                    session.add(org)
                    orgs[m.identifier] = org
                    report.changes += 1
                else:
                    _set(org, report, kind=m.kind, name=m.name)
        session.flush()
        for decl in decls:
            report.regions += 1
            _sync_region(session, decl, orgs, report)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def _sync_region(session: Session, decl: RegionDecl, orgs: dict, report: SyncReport) -> None:
    region = session.scalar(select(Region).where(Region.rmc_code == decl.rmc_code))
    if region is None:
        region = Region(slug=decl.slug, rmc_code=decl.rmc_code, name=decl.name, reminder_offsets=decl.reminder_offsets)
        session.add(region)
        session.flush()
        report.changes += 1
    else:
        _set(region, report, slug=decl.slug, name=decl.name, reminder_offsets=decl.reminder_offsets)

    wanted = {m.identifier: (m.identifier in decl.coordinators) for m in decl.members}
    current = {rm.organisation.identifier: rm for rm in session.scalars(
        select(RegionMember).where(RegionMember.region_id == region.id))}
    for ident, is_coordinator in wanted.items():
        if ident in current:
            _set(current[ident], report, is_coordinator=is_coordinator)
        else:
            session.add(RegionMember(region_id=region.id, organisation_id=orgs[ident].id, is_coordinator=is_coordinator))
            report.changes += 1
    for ident, rm in current.items():
        if ident not in wanted:
            for cm in session.scalars(select(ConsortiumMember).where(
                    ConsortiumMember.region_id == region.id,
                    ConsortiumMember.organisation_id == rm.organisation_id)):
                session.delete(cm)
            session.delete(rm)
            report.changes += 1

    rows = {ri.instrument_key: ri for ri in session.scalars(
        select(RegionInstrument).where(RegionInstrument.region_id == region.id))}
    for key, inst in decl.instruments.items():
        if key in rows:
            _set(rows[key], report, enabled=inst.enabled, settings=inst.settings)
        else:
            session.add(RegionInstrument(region_id=region.id, instrument_key=key, enabled=inst.enabled, settings=inst.settings))
            report.changes += 1
    for key, ri in rows.items():
        if key not in decl.instruments:
            _set(ri, report, enabled=False)

