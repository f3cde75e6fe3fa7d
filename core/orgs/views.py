"""An organisation's own admin: its members, whose mandate ends soon, and inviting a person."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.admin.forms import InviteForm
from core.authz import authorize
from core.concurrency import Conflict, stored_values
from core.db import db_session
from core.identity.invite_mail import send_invite
from core.identity.models import Membership, User, today
from core.mail import commit_and_deliver
from core.orgs.models import Organisation

bp = Blueprint("orgs", __name__)


@bp.route("/organisaties/<int:org_id>/leden", methods=["GET", "POST"])
def members(org_id):
    organisation = db_session().get(Organisation, org_id) or abort(404)
    authorize("organisation.manage", organisation)
    session = db_session()
    form = InviteForm()
    conflict = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and any(m.organisation_id == org_id for m in user.memberships):
            form.email.errors.append(_("Deze persoon is al lid van uw organisatie."))
        else:
            try:
                if user is None:
                    user = User(email=email, name=form.name.data.strip())
                    session.add(user)
                    session.flush()
                session.add(Membership(user_id=user.id, organisation_id=org_id, role=form.role.data,
                                       ends_on=form.ends_on.data))
                session.flush()
            except IntegrityError:  # the same person added at this same moment by someone else: never a 500
                session.rollback()
                conflict = _clash(session, email, org_id, form)
                if conflict is None:
                    raise
            if conflict is None:
                if user.password_hash is None:
                    send_invite(session, user, invited_by=current_user.name, organisation=organisation)
                commit_and_deliver(session)
                # One message either way: the page does not tell whether the address already had an account.
                flash(_("%(email)s is toegevoegd aan %(organisation)s. Wie nog geen wachtwoord heeft, krijgt een "
                        "uitnodiging per e-mail.", email=email, organisation=organisation.name))
                return redirect(url_for(".members", org_id=org_id))
    rows = session.scalars(select(Membership).where(Membership.organisation_id == org_id)
                           .join(User, User.id == Membership.user_id).order_by(User.name)).all()
    days = current_app.config["MANDATE_WARNING_DAYS"]
    now = today()
    ending = [m for m in rows if m.ends_on is not None and (m.ends_on - now).days <= days]
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render_template("orgs/members.html", organisation=organisation, memberships=rows, ending=ending,
                           today=now, days=days, form=form, conflict=conflict), status


def _clash(session, email: str, org_id: int, form) -> Conflict | None:
    """The person and membership that someone else stored at the same moment, as a Conflict to show (None:
    nothing with this address is stored, so the error was no clash)."""
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        return None
    membership = session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                         Membership.organisation_id == org_id))
    return Conflict.clashed(stored_values(user, form) + (stored_values(membership, form) if membership else []))
