"""Who may do what with an application, on top of the core's authorization.

The core's four membership roles express the penvoerder's side (editor: edit,
signatory: submit) and the coordinators' read access. Above the regions, the
national committee (platform role "assessor") scores every submitted application
(rif.assess, rif.view: never a concept) and the ministry (platform role "ministry")
decides (rif.decide). A region's coordinator may appoint more beoordelaars there:
an assignment table (rif_assessor, by e-mail address, per region); an assessor
must not belong to the penvoerder or a partner of the application being assessed.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import select, true

from core.plugin_api import active_roles, authorize, current_region, current_user, db_session, may

from .models import Application, Assessor
from .rules import CONCEPT


def user_roles(user) -> dict[int, str]:
    """organisation id -> the user's role there (memberships that apply today: an ended mandate grants nothing)."""
    return active_roles(user)


def is_coordinator(user, region) -> bool:
    return may(user, "consortium.manage", region)


def is_committee(user) -> bool:
    """A member of the national assessment committee (platform role "assessor")."""
    return getattr(user, "platform_role", None) == "assessor"


def is_assessor(user, region) -> bool:
    """Appointed as beoordelaar in `region`, or on the national committee (platform admins count as one)."""
    if getattr(user, "is_platform_admin", False) or is_committee(user):
        return True
    email = (getattr(user, "email", "") or "").lower()
    return db_session().scalar(
        select(Assessor.id).where(Assessor.region_id == region.id, Assessor.email == email)) is not None


def assessor_condition(user, region):
    """`is_assessor` as a SQL condition (true or false for every row), to select by it without a statement of
    its own."""
    if getattr(user, "is_platform_admin", False) or is_committee(user):
        return true()
    email = (getattr(user, "email", "") or "").lower()
    return select(Assessor.id).where(Assessor.region_id == region.id, Assessor.email == email).exists()


def parties_of(application: Application) -> set[int]:
    return {application.organisation_id} | {p.partner_id for p in application.partners}


def conflicted(user, application: Application) -> bool:
    """The user belongs to the penvoerder or a partner: they may not assess it."""
    return bool(set(user_roles(user)) & parties_of(application))


def may_assess(user, application: Application) -> bool:
    if may(user, "rif.assess", application):
        return application.status != CONCEPT
    region = current_region()
    # the checks without a statement first: the assessor table is read only when it decides
    return application.status != CONCEPT and not conflicted(user, application) and is_assessor(user, region)


def may_decide(user, application: Application) -> bool:
    """The ministry (and platform admins): the grant or refusal of a submitted application."""
    return may(user, "rif.decide", application)


def is_partner_member(user, application: Application) -> bool:
    return bool(set(user_roles(user)) & {p.partner_id for p in application.partners})


def can_see(user, application: Application) -> bool:
    if is_committee(user):
        return application.status != CONCEPT  # the committee reads what was submitted, never a concept
    if may(user, "rif.view", application):
        return True
    if is_partner_member(user, application):
        return True
    return application.status != CONCEPT and is_assessor(user, current_region())


def load_application(application_id: int, options=()) -> Application:
    """The application of this region the user may see; 404 otherwise (never a hint that it exists).

    `options`: loader options for the page that shows it (page_options), applied when the row is read."""
    region = authorize("rif.view", current_region())
    application = db_session().get(Application, application_id, options=list(options))
    if application is None or application.region_id != region.id or not can_see(current_user, application):
        abort(404)
    return application


def require(allowed: bool) -> None:
    """403 for someone who sees the application but may not do this."""
    if not allowed:
        abort(403)
