"""Platform admin pages: users and memberships, organisations, the audit log."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.admin.forms import (AuditFilterForm, MembershipForm, OrganisationForm, PlatformRoleForm,
                              SecurityEventFilterForm, UserForm)
from core.audit.bulk import row_changes, touches_row
from core.audit.models import AuditEntry
from core.authz import authorize, scoped
from core.concurrency import Conflict, add_new, lock_for_update, save_edit, stored_values
from core.db import db_session
from core.forms import DutchForm
from core.identity import notices, sessions, twofactor
from core.identity.invite_mail import send_invite
from core.identity.models import PLATFORM_ROLES, Membership, User, today
from core.mail import OutboxMessage, commit_and_deliver
from core.operations.logs import security_event
from core.operations.security_log import KINDS as SECURITY_KINDS, SecurityEvent
from core.orgs.models import ORG_KINDS, Organisation
from core.orgs.search import OrganisationSearchForm
from core.pagination import keyset_page
from core.regions.models import Region

bp = Blueprint("admin", __name__, url_prefix="/beheer")
PAGE_SIZE = 50
AUDIT_ROWS_SHOWN = 3  # of a bulk entry (up to 1,000 rows) when no object id is filtered on


@bp.route("/")
def index():
    authorize("admin.access")
    return render_template("admin/index.html")


@bp.route("/gebruikers")
def users():
    authorize("admin.access")
    rows = db_session().scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
def new_user():
    authorize("admin.access")
    form = UserForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db_session().scalar(select(User).where(func.lower(User.email) == email)):
            form.email.errors.append(_("Er bestaat al een gebruiker met dit e-mailadres."))
        else:
            user = User(email=email, name=form.name.data.strip(), is_platform_admin=form.is_platform_admin.data,
                        platform_role=form.platform_role.data or None)
            db_session().add(user)
            try:
                db_session().flush()
            except IntegrityError:  # created at this same moment by someone else: shown, never a 500
                db_session().rollback()
                stored = db_session().scalar(select(User).where(func.lower(User.email) == email))
                if stored is None:
                    raise
                conflict = Conflict.clashed(stored_values(stored, form))
                return render_template("admin/user_new.html", form=form, conflict=conflict), 409
            link = send_invite(db_session(), user, invited_by=current_user.name)
            commit_and_deliver(db_session())
            if current_app.config.get("MAIL_SERVER"):
                flash(_("Gebruiker aangemaakt; de uitnodiging is per e-mail verstuurd. Uitnodigingslink: %(link)s",
                        link=link))
            else:
                flash(_("Gebruiker aangemaakt; de uitnodiging is per e-mail verstuurd (zie de outbox). "
                        "Uitnodigingslink: %(link)s", link=link))
            return redirect(url_for(".user", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    authorize("admin.access")
    person = db_session().get(User, user_id) or abort(404)
    form = MembershipForm()
    form.organisation.choices = [(o.id, f"{o.name} ({o.identifier})") for o in
                                 db_session().scalars(select(Organisation).order_by(Organisation.name))]
    conflict = None
    if form.validate_on_submit():
        conflict = _save_membership(db_session(), person, form)
        if conflict is None:
            flash(_("Lidmaatschap opgeslagen."))
            return redirect(url_for(".user", user_id=person.id))
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return _user_page(person, form, conflict=conflict), status


def _user_page(person, form, *, conflict=None, role_form=None, role_conflict=None) -> str:
    """The user page: memberships, the platform role and two-factor state (with a conflict of either form)."""
    if role_form is None:
        role_form = PlatformRoleForm(formdata=None, platform_role=person.platform_role or "")
    role_form.shown.data = person.platform_role or ""
    return render_template("admin/user.html", person=person, form=form, remove_form=DutchForm(), conflict=conflict,
                           role_form=role_form, role_conflict=role_conflict,
                           two_factor=twofactor.has_two_factor(db_session(), person),
                           two_factor_pending=twofactor.credential(db_session(), person) is not None,
                           two_factor_required=twofactor.requires_two_factor(person))


def _membership_form() -> MembershipForm:
    form = MembershipForm(formdata=None)
    form.organisation.choices = [(o.id, f"{o.name} ({o.identifier})") for o in
                                 db_session().scalars(select(Organisation).order_by(Organisation.name))]
    return form


def _save_membership(session, person, form) -> Conflict | None:
    """Add the membership, or change the one in that organisation if the admin was shown it (no lost update)."""
    def stored():
        return session.scalar(select(Membership).where(Membership.user_id == person.id,
                                                       Membership.organisation_id == form.organisation.data))

    def fill(membership):
        membership.role, membership.ends_on = form.role.data, form.ends_on.data

    existing = stored()
    if existing is not None and form.version.data is not None:  # shown the stored membership, saved again
        return save_edit(session, existing, form, lambda: fill(existing))
    membership = Membership(user_id=person.id, organisation_id=form.organisation.data)
    fill(membership)
    return add_new(session, membership, form, stored)


@bp.route("/gebruikers/<int:user_id>/landelijke-rol", methods=["POST"])
def set_platform_role(user_id):
    """Give a user a role above the regions (the ministry, a national assessor), or take it (audited)."""
    authorize("admin.access")
    person = db_session().get(User, user_id) or abort(404)
    form = PlatformRoleForm()
    if not form.validate_on_submit():
        flash(_("Kies een landelijke rol uit de lijst."))
        return redirect(url_for(".user", user_id=person.id))
    session_ = db_session()
    lock_for_update(session_, person)  # a second save waits here, then sees the first one's role
    session_.refresh(person)
    if form.shown.data is not None and form.shown.data != (person.platform_role or ""):
        session_.rollback()  # someone else changed the role since this page was shown: nothing is written
        person = session_.get(User, user_id)
        stored = [(str(form.platform_role.label.text),
                   str(PLATFORM_ROLES.get(person.platform_role, _("geen"))) if person.platform_role else _("geen"))]
        return _user_page(person, _membership_form(), role_form=form, role_conflict=Conflict.changed(stored)), 409
    person.platform_role = form.platform_role.data or None
    session_.commit()
    flash(_("Landelijke rol van %(name)s opgeslagen.", name=person.name))
    return redirect(url_for(".user", user_id=person.id))


@bp.route("/gebruikers/<int:user_id>/tweestapsverificatie-herstellen", methods=["POST"])
def reset_two_factor(user_id):
    """Remove a user's authenticator app and recovery codes (lost phone), end their sessions and tell them."""
    authorize("admin.access")
    session_ = db_session()
    person = session_.get(User, user_id) or abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    if not twofactor.reset_two_factor(session_, person, actor=(current_user.id, current_user.email)):
        flash(_("%(name)s had geen tweestapsverificatie; er is niets veranderd.", name=person.name))
        return redirect(url_for(".user", user_id=person.id))
    sessions.end_all(person)  # audited: the session version of the user changes
    notices.notify(session_, person, "two_factor_reset")
    commit_and_deliver(session_)
    security_event("twofactor.reset", user_id=person.id, email=person.email, detail=f"door {current_user.email}")
    flash(_("De tweestapsverificatie van %(name)s is uitgezet en %(name)s is overal uitgelogd.", name=person.name)
          + " " + (_("Bij de volgende keer inloggen moet opnieuw een app worden ingesteld.")
                   if twofactor.requires_two_factor(person) else _("Opnieuw instellen kan via de accountpagina.")))
    return redirect(url_for(".user", user_id=person.id))


@bp.route("/gebruikers/<int:user_id>/lidmaatschap/<int:membership_id>/verwijderen", methods=["POST"])
def remove_membership(user_id, membership_id):
    authorize("admin.access")
    membership = db_session().get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    db_session().delete(membership)
    db_session().commit()
    flash(_("Lidmaatschap verwijderd."))
    return redirect(url_for(".user", user_id=user_id))


@bp.route("/organisaties")
def organisations():
    """Every organisation, a page at a time (thousands with the vo schools), filtered by name, code and kind."""
    authorize("admin.access")
    search = OrganisationSearchForm(request.args)
    stmt = scoped(select(Organisation), "organisation.view")
    text = " ".join((search.q.data or "").split())
    if text:
        stmt = stmt.where(Organisation.name.icontains(text, autoescape=True)
                          | Organisation.identifier.icontains(text, autoescape=True))
    if search.kind.data in ORG_KINDS:
        stmt = stmt.where(Organisation.kind == search.kind.data)
    page = keyset_page(db_session(), stmt, [(Organisation.kind, False), (Organisation.name, False),
                                            (Organisation.id, False)], request.args.get("na"))
    return render_template("admin/organisations.html", page=page, search=search, filtered=bool(text or
                           search.kind.data in ORG_KINDS))


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
def new_organisation():
    authorize("admin.access")
    form = OrganisationForm()
    conflict = None
    if form.validate_on_submit():
        def stored():
            return db_session().scalar(select(Organisation).where(Organisation.identifier == form.identifier.data))

        if stored():
            form.identifier.errors.append(_("Er bestaat al een organisatie met deze identificatie."))
        else:  # one created at this same moment by someone else: a clash, shown with its values
            conflict = add_new(db_session(), Organisation(kind=form.kind.data, identifier=form.identifier.data,
                                                          name=form.name.data.strip()), form, stored)
            if conflict is None:
                flash(_("Organisatie aangemaakt."))
                return redirect(url_for(".organisations"))
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render_template("admin/organisation_new.html", form=form, conflict=conflict), status


@bp.route("/audit")
def audit():
    authorize("audit.view")
    form = AuditFilterForm(request.args)
    form.region.choices = [(0, _("Alle regio's"))] + [  # ids and names only: not every region's members
        (region_id, name) for region_id, name in db_session().execute(select(Region.id, Region.name).order_by(Region.name))]
    stmt = scoped(select(AuditEntry), "audit.view")
    entries, page, has_next = [], 1, False
    if form.validate():
        if form.region.data:
            stmt = stmt.where(AuditEntry.region_id == form.region.data)
        if form.organisation.data:
            org = db_session().scalar(select(Organisation).where(Organisation.identifier == form.organisation.data.strip().upper()))
            stmt = stmt.where(AuditEntry.organisation_id == (org.id if org else -1))
        if form.user.data:
            stmt = stmt.where(func.lower(AuditEntry.actor) == form.user.data.strip().lower())
        if form.object_type.data:
            stmt = stmt.where(AuditEntry.object_type == form.object_type.data.strip())
        if form.object_id.data:
            stmt = stmt.where(touches_row(form.object_id.data.strip()))  # bulk entries list their rows
        if form.date_from.data:
            stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(form.date_from.data, dt.time.min, dt.timezone.utc))
        if form.date_to.data:
            stmt = stmt.where(AuditEntry.at < dt.datetime.combine(form.date_to.data + dt.timedelta(days=1), dt.time.min, dt.timezone.utc))
        page = max(form.page.data or 1, 1)
        rows = db_session().scalars(stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
        entries, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    status = 200 if not form.errors else 400
    shown = {e.id: shown_rows(e, (form.object_id.data or "").strip()) for e in entries}
    return render_template("admin/audit.html", form=form, entries=entries, shown=shown, page=page,
                           has_next=has_next, args={k: v for k, v in request.args.items() if k != "page"}), status


@bp.route("/beveiliging")
def security_events():
    """The security log (sign-ins, refusals, sign-outs, two-factor and password changes), newest first, a page
    at a time, filtered by kind, account, dates and address."""
    authorize("audit.view")
    form = SecurityEventFilterForm(request.args)
    form.kind.choices = [("", _("Alle soorten"))] + [(key, str(label)) for key, label in SECURITY_KINDS.items()]
    stmt = scoped(select(SecurityEvent), "audit.view")
    page = None
    if form.validate():
        if form.kind.data:
            stmt = stmt.where(SecurityEvent.kind == form.kind.data)
        email = (form.email.data or "").strip().lower()
        if email:
            stmt = stmt.where(SecurityEvent.email.icontains(email, autoescape=True))
        address = (form.address.data or "").strip()
        if address:
            stmt = stmt.where(SecurityEvent.address.startswith(address, autoescape=True))
        if form.date_from.data:
            stmt = stmt.where(SecurityEvent.at >= dt.datetime.combine(form.date_from.data, dt.time.min, dt.timezone.utc))
        if form.date_to.data:
            stmt = stmt.where(SecurityEvent.at < dt.datetime.combine(form.date_to.data + dt.timedelta(days=1),
                                                                     dt.time.min, dt.timezone.utc))
        page = keyset_page(db_session(), stmt, [(SecurityEvent.id, True)], request.args.get("na"))
    return render_template("admin/security_events.html", form=form, page=page), 200 if page else 400


def shown_rows(entry: AuditEntry, object_id: str) -> dict:
    """What the audit page shows of an entry's rows: the filtered row, or the first AUDIT_ROWS_SHOWN of them."""
    changes = row_changes(entry)
    if object_id:
        changes = [change for change in changes if change[0] == object_id] or changes
    first = changes[:AUDIT_ROWS_SHOWN]
    return {"before": [before for _key, before, _after in first], "after": [after for _key, _before, after in first],
            "more": len(changes) - len(first)}


@bp.route("/outbox")
def outbox():
    authorize("admin.access")
    messages = db_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    retries = current_app.config["JOBS_MAIL_RETRIES"] if current_app.config.get("REDIS_URL") else 0
    return render_template("admin/outbox.html", messages=messages, retries=retries,
                           mail_server=current_app.config.get("MAIL_SERVER"))


@bp.route("/mandaten")
def mandates():
    """Memberships (mandates) that ended or end within MANDATE_WARNING_DAYS, across the platform."""
    authorize("admin.access")
    rows = ending_memberships(select(Membership), current_app.config["MANDATE_WARNING_DAYS"])
    return render_template("admin/mandates.html", memberships=rows, today=today(),
                           days=current_app.config["MANDATE_WARNING_DAYS"])


def ending_memberships(stmt, days: int) -> list[Membership]:
    """The memberships of `stmt` with an end date up to `days` from today (ended ones included), soonest first."""
    horizon = today() + dt.timedelta(days=days)
    return list(db_session().scalars(stmt.where(Membership.ends_on.is_not(None), Membership.ends_on <= horizon)
                                     .order_by(Membership.ends_on)))
