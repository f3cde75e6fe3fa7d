"""The one authorization function and the one query-scoping helper.

Every view calls `authorize` (or `may`); every query that lists data goes
through `scoped`. Rules:

* Platform admins may do everything.
* A user sees a region when one of their organisations is a member of it.
* An object that belongs to an organisation (it has `organisation_id`) is
  seen by that organisation's members and by the coordinators of its region
  (`region_id`); everyone else gets 404, never a hint that it exists.
* An object that belongs to a region only (`region_id`) is seen by everyone
  who sees the region.
* Seen but not allowed (the role lacks the permission) is 403.
* A membership past its end date (`ends_on`, a mandate) grants nothing.
* Every signed-in user may manage their own account (`account.self`).
* An object with an owner (`owner_id`, a background job) is seen by its
  owner only, and only while the owner may still do `action` in its region.
  An object an API token made for its organisation (`api_organisation_id`,
  a batch write run as a job) is seen by that organisation's tokens only.
* A platform role (`User.platform_role`, no organisation) holds the actions whose
  `Permission.platform_roles` name it, in every region. The ministry also reads
  everything a platform read token reads (`reads_everywhere`) and writes nothing else.
* Region coordinators (admins of a region's coordinating organisation) get
  the read permissions over every organisation in their region, and the
  coordinator actions (consortium management, drafting agreements).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flask import abort, current_app, g, has_request_context
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import Select, false, inspect, select

from core.audit.models import AuditEntry
from core.db import db_session
from core.identity.models import PLATFORM_ROLES, ROLES
from core.identity.models import today as _today
from core.instruments import Permission
from core.orgs.models import Organisation
from core.regions.models import Region, RegionMember
from core.request_memo import request_memo

ALL_ROLES = frozenset(ROLES)
CORE_PERMISSIONS: dict[str, Permission] = {
    p.name: p
    for p in (
        Permission("region.view", lazy_gettext("Regio bekijken"), ALL_ROLES, platform_roles=PLATFORM_ROLES),
        Permission("organisation.view", lazy_gettext("Organisatie bekijken"), ALL_ROLES),
        Permission("organisation.manage", lazy_gettext("Organisatie beheren"), {"admin"}),
        Permission("consortium.view", lazy_gettext("Consortium bekijken"), ALL_ROLES),
        Permission("consortium.manage", lazy_gettext("Consortium beheren"), frozenset()),  # coordinators only
        Permission("agreement.view", lazy_gettext("Afspraken bekijken"), ALL_ROLES),
        Permission("agreement.draft", lazy_gettext("Afspraak opstellen"), frozenset()),  # coordinators only
        Permission("agreement.sign", lazy_gettext("Afspraak ondertekenen namens de organisatie"),
                   {"signatory", "admin"}),
        Permission("audit.view", lazy_gettext("Auditlog bekijken"), frozenset()),  # platform admins only
        Permission("admin.access", lazy_gettext("Platformbeheer"), frozenset()),  # platform admins only
        # the national overview: every region side by side (the ministry and platform admins)
        Permission("national.view", lazy_gettext("Landelijk overzicht bekijken"), frozenset(),
                   platform_roles={"ministry"}),
        # platform API tokens: read tokens over every region (the ministry and platform admins make and revoke them)
        Permission("api.platform_tokens", lazy_gettext("Platform-API-sleutels beheren"), frozenset(),
                   platform_roles={"ministry"}),
        # the region's public page (/openbaar/<region>/): switch it on, publish complete school years
        Permission("public.manage", lazy_gettext("Openbare pagina beheren"), frozenset()),  # coordinators only
        # every signed-in user, own account only
        Permission("account.self", lazy_gettext("Eigen account beheren"), frozenset()),
    )
}
COORDINATOR_ACTIONS = frozenset({"consortium.manage", "agreement.draft", "public.manage"})


class Decision(enum.Enum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"  # 403: seen, not allowed
    NOT_FOUND = "not_found"  # 404: not to be seen


@dataclass
class UserContext:
    """What one user may reach: roles per organisation, regions, coordinated regions."""

    is_platform_admin: bool = False
    reads_everywhere: bool = False  # a platform API token (core.api.principal) or the ministry: every read, no write
    platform_role: str | None = None  # a key of PLATFORM_ROLES (core.identity.models)
    org_roles: dict[int, str] = field(default_factory=dict)
    region_orgs: dict[int, set[int]] = field(default_factory=dict)  # region -> user's orgs there
    coordinated: set[int] = field(default_factory=set)  # regions where the user is coordinator
    coordinating_roles: dict[int, set[str]] = field(default_factory=dict)  # region -> roles in its coordinating orgs

    def roles_in_region(self, region_id: int) -> set[str]:
        return {self.org_roles[o] for o in self.region_orgs.get(region_id, ())}


def all_permissions() -> dict[str, Permission]:
    """Core permissions plus those the instruments registered."""
    registry = current_app.extensions["regioplatform"]
    return {**CORE_PERMISSIONS, **registry.permissions()}


def role_grants(role: str, action: str) -> bool:
    """Whether a membership role grants `action`."""
    perm = all_permissions().get(action)
    if perm is None:
        raise LookupError(f"unknown permission '{action}'")
    return role in perm.default_roles


def platform_role_grants(platform_role: str | None, action: str) -> bool:
    """Whether a platform role (ministry, assessor) holds `action` in every region."""
    perm = all_permissions().get(action)
    return platform_role is not None and perm is not None and platform_role in perm.platform_roles


def is_read_action(action: str) -> bool:
    perm = all_permissions().get(action)
    return perm is not None and "viewer" in perm.default_roles


def user_context(user) -> UserContext:
    """Build (and cache per request) the authorization context of `user`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return UserContext()
    cache = g.setdefault("_authz_contexts", {}) if has_request_context() else {}
    if user.id in cache:
        return cache[user.id]
    platform_role = getattr(user, "platform_role", None)
    ctx = UserContext(is_platform_admin=bool(user.is_platform_admin),
                      reads_everywhere=bool(getattr(user, "reads_everywhere", False)) or platform_role == "ministry",
                      platform_role=platform_role)
    today = _today()
    ctx.org_roles = {m.organisation_id: m.role for m in user.memberships if m.applies_on(today)}
    if ctx.org_roles:
        rows = _region_links(user, ctx.org_roles)
        for region_id, org_id, is_coordinator in rows:
            ctx.region_orgs.setdefault(region_id, set()).add(org_id)
            if is_coordinator:
                ctx.coordinating_roles.setdefault(region_id, set()).add(ctx.org_roles[org_id])
                if ctx.org_roles[org_id] == "admin":
                    ctx.coordinated.add(region_id)
    cache[user.id] = ctx
    return ctx


def _region_links(user, org_ids) -> list[tuple[int, int, bool]]:
    """(region, organisation, is coordinator) of every region the organisations `org_ids` are members of: from
    the organisations' region links when they were loaded with the user (the signed-in user's are), else one
    statement."""
    orgs = [m.organisation for m in user.memberships if m.organisation_id in org_ids]
    if all("region_links" not in inspect(org).unloaded for org in orgs):
        return [(link.region_id, link.organisation_id, link.is_coordinator) for org in orgs for link in org.region_links]
    return list(db_session().execute(
        select(RegionMember.region_id, RegionMember.organisation_id, RegionMember.is_coordinator)
        .where(RegionMember.organisation_id.in_(org_ids))
    ))


def active_memberships(user, day=None) -> list:
    """The user's memberships that still apply on `day` (default: today): an ended mandate grants nothing.

    Empty for an anonymous user. Each has `organisation_id`, `organisation` and `role`.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    day = day or _today()
    return [m for m in user.memberships if m.applies_on(day)]


def active_roles(user) -> dict[int, str]:
    """organisation id -> the user's role there, for the memberships that apply today (as `may` sees them)."""
    return dict(user_context(user).org_roles)


def _region_of(obj) -> int | None:
    if isinstance(obj, Region):
        return obj.id
    region_id = getattr(obj, "region_id", None)
    if region_id is None and has_request_context() and getattr(g, "region", None) is not None:
        region_id = g.region.id
    return region_id


def decide(user, action: str, obj=None) -> Decision:
    """Answer whether `user` may do `action` on `obj` (None for platform-level actions)."""
    all_permissions()[action]  # unknown actions are programming errors
    if action == "account.self":
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        return Decision.ALLOW if signed_in and (obj is None or getattr(obj, "id", None) == user.id) else Decision.NOT_FOUND
    owner_id = getattr(obj, "owner_id", None)
    if owner_id is not None and owner_id != getattr(user, "id", None):
        return Decision.NOT_FOUND
    made_for = getattr(obj, "api_organisation_id", None)
    if made_for is not None and (getattr(user, "token", None) is None or user.organisation_id != made_for):
        return Decision.NOT_FOUND
    ctx = user_context(user)
    if ctx.is_platform_admin:
        return Decision.ALLOW
    if platform_role_grants(ctx.platform_role, action) and not isinstance(obj, AuditEntry):
        return Decision.ALLOW
    if ctx.reads_everywhere:
        readable = is_read_action(action) and action not in ("admin.access", "audit.view")
        return Decision.ALLOW if readable and not isinstance(obj, AuditEntry) else Decision.FORBIDDEN
    decision = _decide_by_membership(ctx, action, obj)
    if decision is Decision.NOT_FOUND and ctx.platform_role and not isinstance(obj, AuditEntry):
        return Decision.FORBIDDEN  # a platform role sees every region: seen, not allowed
    return decision


def _decide_by_membership(ctx: UserContext, action: str, obj) -> Decision:
    """What the user's organisations' roles (and coordinated regions) allow on `obj`."""
    if obj is None:
        if action in ("admin.access", "audit.view"):
            return Decision.FORBIDDEN
        return Decision.ALLOW if any(role_grants(r, action) for r in ctx.org_roles.values()) else Decision.FORBIDDEN
    if isinstance(obj, AuditEntry):
        return Decision.NOT_FOUND
    if isinstance(obj, Organisation):
        return _decide_org(ctx, action, obj.id, None)
    org_id = getattr(obj, "organisation_id", None)
    region_id = _region_of(obj)
    if org_id is not None:
        return _decide_org(ctx, action, org_id, region_id)
    if region_id is not None:
        if region_id not in ctx.region_orgs:
            return Decision.NOT_FOUND
        if action in COORDINATOR_ACTIONS:
            return Decision.ALLOW if region_id in ctx.coordinated else Decision.FORBIDDEN
        if region_id in ctx.coordinated and is_read_action(action):
            return Decision.ALLOW
        roles = ctx.roles_in_region(region_id)
        return Decision.ALLOW if any(role_grants(r, action) for r in roles) else Decision.FORBIDDEN
    raise TypeError(f"cannot authorize on {type(obj).__name__}: it has no region_id or organisation_id")


def _region_wide(ctx: UserContext, action: str) -> set[int]:
    """Regions where the user acts for every organisation: a region-wide permission
    granted by their role in the region's coordinating organisation."""
    perm = all_permissions().get(action)
    if perm is None or not perm.region_wide:
        return set()
    return {r for r, roles in ctx.coordinating_roles.items() if any(role_grants(role, action) for role in roles)}


def _org_in_regions(org_id: int, region_id: int | None, regions: set[int]) -> bool:
    """Whether the organisation is a member of `region_id` (or of any of `regions` when None) within `regions`."""
    if region_id is not None:
        regions = regions & {region_id}
    if not regions:
        return False
    session = db_session()
    kept = request_memo("region_members", session)  # a list page asks once per row
    if kept is None:
        return session.scalar(
            select(RegionMember.id).where(RegionMember.region_id.in_(regions), RegionMember.organisation_id == org_id)
        ) is not None
    key = frozenset(regions)
    if key not in kept:
        kept[key] = {tuple(row) for row in session.execute(
            select(RegionMember.region_id, RegionMember.organisation_id).where(RegionMember.region_id.in_(regions)))}
    return any((region, org_id) in kept[key] for region in regions)


def _decide_org(ctx: UserContext, action: str, org_id: int, region_id: int | None) -> Decision:
    role = ctx.org_roles.get(org_id)
    if role is not None and (region_id is None or region_id in ctx.region_orgs):
        if action in COORDINATOR_ACTIONS:
            return Decision.ALLOW if region_id in ctx.coordinated else Decision.FORBIDDEN
        return Decision.ALLOW if role_grants(role, action) else Decision.FORBIDDEN
    if _org_in_regions(org_id, region_id, _region_wide(ctx, action)):
        return Decision.ALLOW
    if _org_in_regions(org_id, region_id, ctx.coordinated):
        if is_read_action(action) or action in COORDINATOR_ACTIONS:
            return Decision.ALLOW
        return Decision.FORBIDDEN
    return Decision.NOT_FOUND


def may(user, action: str, obj=None) -> bool:
    """True when `user` may do `action` on `obj`."""
    return decide(user, action, obj) is Decision.ALLOW


def authorize(action: str, obj=None, *, user=None):
    """Allow the current user `action` on `obj`, or abort with 404 (unseen) or 403 (not allowed).

    Returns `obj`, so a view can write `score = authorize("proef.view", score)`. `user`: who acts
    instead of the signed-in user (the JSON API passes its token's principal, core.api.principal).
    """
    user = current_user if user is None else user
    if not user.is_authenticated:
        abort(401)
    if obj is None and has_request_context():
        g.authorized = True
    decision = decide(user, action, obj)
    g.authorized = True
    if decision is Decision.NOT_FOUND:
        abort(404)
    if decision is Decision.FORBIDDEN:
        abort(403)
    return obj


def scoped(stmt: Select, action: str, user=None) -> Select:
    """Restrict a SELECT over one model to the rows `user` (default: current user) may `action`."""
    user = current_user if user is None else user
    all_permissions()[action]
    ctx = user_context(user)
    if has_request_context():
        g.authorized = True
    if ctx.is_platform_admin:
        return stmt
    entity = stmt.column_descriptions[0]["entity"]
    if entity is AuditEntry or getattr(entity, "__platform_only__", False):  # audit and security logs
        return stmt.where(false())
    if platform_role_grants(ctx.platform_role, action):
        return stmt
    if ctx.reads_everywhere:
        return stmt if is_read_action(action) else stmt.where(false())
    if entity is Region:
        allowed = [r for r in ctx.region_orgs if r in ctx.coordinated or any(
            role_grants(role, action) for role in ctx.roles_in_region(r))]
        return stmt.where(Region.id.in_(allowed))
    if entity is Organisation:
        own = [o for o, role in ctx.org_roles.items() if role_grants(role, action)]
        coordinated = select(RegionMember.organisation_id).where(RegionMember.region_id.in_(ctx.coordinated))
        if is_read_action(action):
            return stmt.where(Organisation.id.in_(own) | Organisation.id.in_(coordinated))
        return stmt.where(Organisation.id.in_(own))
    org_col = getattr(entity, "organisation_id", None)
    region_col = getattr(entity, "region_id", None)
    if org_col is not None:
        own = [o for o, role in ctx.org_roles.items() if role_grants(role, action)]
        condition = org_col.in_(own)
        regions = set(ctx.coordinated) if is_read_action(action) else set()
        regions |= _region_wide(ctx, action)
        if regions:
            if region_col is not None:
                condition = condition | region_col.in_(regions)
            else:
                members = select(RegionMember.organisation_id).where(RegionMember.region_id.in_(regions))
                condition = condition | org_col.in_(members)
        return stmt.where(condition)
    if region_col is not None:
        allowed = [
            r for r in ctx.region_orgs
            if (r in ctx.coordinated and (is_read_action(action) or action in COORDINATOR_ACTIONS))
            or any(role_grants(role, action) for role in ctx.roles_in_region(r))
        ]
        return stmt.where(region_col.in_(allowed))
    raise TypeError(f"cannot scope {entity!r}: it has no region_id or organisation_id")
