"""Reading consortia: one instrument's members in a region, and every enabled instrument's."""
from __future__ import annotations

from sqlalchemy import select

from core.consortia.models import CONSORTIUM_ROLES, ConsortiumMember
from core.db import db_session

ROLE_ORDER = {role: i for i, role in enumerate(CONSORTIUM_ROLES)}


def consortium_members(region, key: str) -> list[ConsortiumMember]:
    """The consortium of instrument `key` in `region`, unordered."""
    return db_session().scalars(
        select(ConsortiumMember).where(ConsortiumMember.region_id == region.id, ConsortiumMember.instrument_key == key)
    ).all()


def instruments_with_consortia(region, entries) -> list[dict]:
    """For each registry entry enabled in `region`: the entry and its consortium, by role then name.

    One statement for every instrument's consortium (the region page shows them all)."""
    enabled = [entry for entry in entries if region.has_instrument(entry.key)]
    by_key: dict[str, list[ConsortiumMember]] = {entry.key: [] for entry in enabled}
    if enabled:
        for member in db_session().scalars(select(ConsortiumMember).where(
                ConsortiumMember.region_id == region.id, ConsortiumMember.instrument_key.in_(list(by_key)))):
            by_key[member.instrument_key].append(member)
    return [{"entry": entry,
             "consortium": sorted(by_key[entry.key],
                                  key=lambda cm: (ROLE_ORDER.get(cm.role, len(ROLE_ORDER)), cm.organisation.name))}
            for entry in enabled]
