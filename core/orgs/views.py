"""An organisation's own admin: its members, whose mandate ends soon, and inviting a person (who becomes a
member only by accepting: core.identity.invitations)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.admin.forms import InviteForm
from core.authz import authorize
from core.concurrency import Conflict, stored_values
from core.db import db_session, utcnow
from core.forms import DutchForm
from core.identity import invitations
from core.identity.models import Membership, MembershipInvitation, User, today
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
        member = session.scalar(select(Membership).join(User, User.id == Membership.user_id).where(
            func.lower(User.email) == email, Membership.organisation_id == org_id))
        if member is not None and member.applies_on():  # the member list shows them already: nothing new told
            form.email.errors.append(_("Deze persoon is al lid van uw organisatie."))
        else:
            def send():
                invitations.invite(session, organisation, email=email, name=form.name.data.strip(),
                                   role=form.role.data, ends_on=form.ends_on.data, invited_by=current_user.name)

            try:
                send()
            except IntegrityError:  # the same person invited at this same moment by someone else: never a 500
                session.rollback()
                conflict = _clash(session, email, org_id, form)
                if conflict is None:  # the account was made meanwhile (another invitation): invite it now
                    send()
            if conflict is None:
                commit_and_deliver(session)
                # One message either way: the page does not tell whether the address already had an account.
                flash(_("Uitnodiging verstuurd aan %(email)s. Die persoon wordt pas lid van %(organisation)s na het "
                        "accepteren van de uitnodiging.", email=email, organisation=organisation.name))
                return redirect(url_for(".members", org_id=org_id))
    rows = session.scalars(select(Membership).where(Membership.organisation_id == org_id)
                           .join(User, User.id == Membership.user_id).order_by(User.name)).all()
    days = current_app.config["MANDATE_WARNING_DAYS"]
    now = today()
    ending = [m for m in rows if m.ends_on is not None and (m.ends_on - now).days <= days]
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render_template("orgs/members.html", organisation=organisation, memberships=rows, ending=ending,
                           today=now, days=days, form=form, conflict=conflict,
                           invitations=invitations.pending_for(session, org_id), now=utcnow(),
                           remove_form=DutchForm()), status


@bp.route("/organisaties/<int:org_id>/leden/<int:membership_id>/verwijderen", methods=["POST"])
def remove_member(org_id, membership_id):
    """End a person's membership of the admin's organisation (audited); not one's own (ask another admin)."""
    organisation = db_session().get(Organisation, org_id) or abort(404)
    authorize("organisation.manage", organisation)
    session = db_session()
    membership = session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != org_id:
        abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    if membership.user_id == current_user.id:
        flash(_("U kunt uw eigen lidmaatschap niet verwijderen; vraag dat een andere beheerder."))
        return redirect(url_for(".members", org_id=org_id))
    email = membership.user.email
    session.delete(membership)
    session.commit()
    flash(_("%(email)s is geen lid meer van %(organisation)s.", email=email, organisation=organisation.name))
    return redirect(url_for(".members", org_id=org_id))


def _clash(session, email: str, org_id: int, form) -> Conflict | None:
    """The invitation that someone else stored at the same moment, as a Conflict to show (its address, role
    and end date: never the account's name); None when there is none, so the error was no clash."""
    invitation = session.scalar(select(MembershipInvitation).where(
        func.lower(MembershipInvitation.email) == email, MembershipInvitation.organisation_id == org_id))
    if invitation is None:
        return None
    return Conflict.clashed(stored_values(invitation, form))
