"""One list of a region's dates: the `deadlines(region)` hook of every enabled instrument plus the core's own."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, lazyload

from core.db import db_session
from core.deadlines import core_dates
from core.deadlines.model import Deadline
from core.identity.models import today as netherlands_today
from core.regions.models import Region

CORE = "core"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dated:
    """A deadline with where it comes from: its region and its instrument (or the core)."""

    region: Region
    source: str
    deadline: Deadline

    @property
    def source_label(self) -> str:
        if self.source == CORE:
            return str(_l("Afspraken en rollen"))
        entry = current_app.extensions["regioplatform"].entries.get(self.source)
        return str(entry.info.name) if entry else self.source

    @property
    def uid(self) -> str:
        """Stable across runs: the reminder claim and the iCal UID use it."""
        return f"{self.region.slug}/{self.source}/{self.deadline.ref}"

    @property
    def path(self) -> str | None:
        """The page to act on, as a path (built from the URL map: works outside a request too)."""
        d = self.deadline
        if not d.link:
            return None
        args = dict(d.link_args)
        if d.link.startswith("regio."):
            args["region"] = self.region.slug
        try:
            return current_app.url_map.bind("localhost").build(d.link, args)
        except Exception:  # a plugin named an endpoint or arguments that do not exist: no link
            log.warning("deadline %s links to %s(%s), which cannot be built", self.uid, d.link, args)
            return None

    @property
    def url(self) -> str | None:
        """The page to act on under BASE_URL (for e-mail and the iCal feed)."""
        path = self.path
        return current_app.config.get("BASE_URL", "").rstrip("/") + path if path else None


def region_deadlines(region: Region, today: dt.date | None = None) -> list[Dated]:
    """Every date of `region`: its enabled instruments' (the `deadlines` hook) and the core's, by date."""
    today = today or netherlands_today()
    enabled = region.enabled_keys()
    registry = current_app.extensions["regioplatform"]
    found: list[Dated] = []
    for key, item in registry.for_region(enabled).call("deadlines", region=region):
        problems = item.problems() if isinstance(item, Deadline) else ["must return plugin_api.Deadline items"]
        if problems:
            log.warning("plugin '%s', hook deadlines: %s (left out)", key, problems[0])
            continue
        found.append(Dated(region, key, item))
    session = db_session()
    for item in core_dates.agreement_deadlines(session, region, enabled) + core_dates.mandate_deadlines(
            session, region, today):
        found.append(Dated(region, CORE, item))
    return sorted(found, key=lambda d: (d.deadline.date, d.source, d.deadline.ref))


def concerns(deadline: Deadline, roles: dict[int, str], email: str | None = None) -> bool:
    """Whether a user with `roles` (organisation id -> role, the memberships that apply today) and e-mail
    address `email` must act: one of the organisations and roles, or one of the named people; never a
    member of an excluded organisation."""
    if deadline.excluded and any(org_id in deadline.excluded for org_id in roles):
        return False
    if email and email.strip().lower() in deadline.people:
        return True
    return any(org_id in deadline.organisations and role in deadline.roles for org_id, role in roles.items())


def visible(dated: Dated, roles: dict[int, str], email: str | None = None) -> bool:
    """Whether the region calendar shows this date to a user with `roles`: private ones only to whom they concern."""
    return not dated.deadline.private or concerns(dated.deadline, roles, email)


def roles_of(user, day: dt.date | None = None) -> dict[int, str]:
    """organisation id -> role, for the user's memberships that apply on `day` (default: today)."""
    day = day or netherlands_today()
    return {m.organisation_id: m.role for m in user.memberships if m.applies_on(day)}


def regions_of(roles: dict[int, str]) -> list[Region]:
    """The regions the organisations in `roles` are members of."""
    from core.regions.models import RegionMember

    if not roles:
        return []
    session = db_session()
    # IN, not JOIN + DISTINCT: PostgreSQL has no equality for the json columns DISTINCT would compare.
    # The members only: joined with the instruments too, every member row would repeat every instrument
    # and its settings (members x instruments rows, each decoded).
    regions = list(session.scalars(
        select(Region).where(Region.id.in_(select(RegionMember.region_id)
                                           .where(RegionMember.organisation_id.in_(roles))))
        .options(joinedload(Region.members), lazyload(Region.instruments))
        .order_by(Region.name)).unique())
    # The home page has read them with their instruments already; elsewhere (the iCal feed) one statement more.
    missing = [r.id for r in regions if "instruments" in inspect(r).unloaded]
    if missing:
        session.scalars(select(Region).where(Region.id.in_(missing))
                        .options(joinedload(Region.instruments), lazyload(Region.members))).unique().all()
    return regions


def user_deadlines(user, today: dt.date | None = None) -> list[Dated]:
    """Every date, in every region of the user's organisations, that concerns the user (by role or by
    e-mail address: a named person is found in the regions of their organisations)."""
    today = today or netherlands_today()
    roles = roles_of(user, today)
    out = []
    for region in regions_of(roles):
        out.extend(d for d in region_deadlines(region, today) if concerns(d.deadline, roles, user.email))
    return sorted(out, key=lambda d: (d.deadline.date, d.region.name, d.uid))
