"""Invitations into an organisation: its admin invites a person by e-mail address; the membership exists only
once the person accepts (at /account/uitnodigingen), never by the admin's act alone.

The admin learns nothing about the address: whether it already had an account, its name, its other
memberships. The admin's page shows the address as typed, the role and the expiry, the same in every case.
A person without an account gets one without a password and the set-password link; a person with one gets
an e-mail that names the organisation, the role and the page where to accept or decline.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.concurrency import lock_for_update
from core.db import utcnow
from core.identity.invite_mail import send_invite
from core.identity.models import ROLES, Membership, MembershipInvitation, User
from core.mail import queue_mail


def invite(session: Session, organisation, *, email: str, name: str, role: str, ends_on: dt.date | None,
           invited_by: str) -> MembershipInvitation:
    """Create (or renew) the invitation of `email` into `organisation` and queue its e-mail; the caller commits.

    A new address gets an account without a password (named `name`); an existing account is never changed.
    """
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        user = User(email=email, name=name)
        session.add(user)
        session.flush()
    invitation = session.scalar(select(MembershipInvitation).where(
        MembershipInvitation.user_id == user.id, MembershipInvitation.organisation_id == organisation.id))
    if invitation is None:
        invitation = MembershipInvitation(user_id=user.id, organisation_id=organisation.id)
        session.add(invitation)
    invitation.email, invitation.role, invitation.ends_on, invitation.invited_by = email, role, ends_on, invited_by
    invitation.created_at = utcnow()
    invitation.expires_at = invitation.created_at + dt.timedelta(hours=int(current_app.config["INVITE_HOURS"]))
    session.flush()
    _mail(session, user, invitation, organisation, invited_by)
    return invitation


def _mail(session: Session, user: User, invitation: MembershipInvitation, organisation, invited_by: str) -> None:
    page = current_app.config["BASE_URL"].rstrip("/") + url_for("account.invitations")
    role = str(ROLES.get(invitation.role, invitation.role))
    if user.password_hash is None:  # first the password, then the invitation on the account page
        send_invite(session, user, invited_by=invited_by, organisation=organisation)
    queue_mail(session, [user.email], f"Uitnodiging: lid worden van {organisation.name}",
               f"Beste {user.name},\n\n{invited_by} nodigt u uit om als {role} lid te worden van {organisation.name} "
               f"op het Regioplatform. U wordt pas lid als u de uitnodiging accepteert. Log in en kies accepteren "
               f"of weigeren op:\n\n{page}\n\nDe uitnodiging vervalt op "
               f"{invitation.expires_at.date().isoformat()}. Kent u deze organisatie niet? Weiger de uitnodiging "
               f"of negeer dit bericht.\n\nDit bericht is verstuurd door het Regioplatform.")


def open_invitations(session: Session, user) -> list[MembershipInvitation]:
    """The user's invitations that have not expired, oldest first."""
    return list(session.scalars(select(MembershipInvitation).where(
        MembershipInvitation.user_id == user.id, MembershipInvitation.expires_at >= utcnow())
        .order_by(MembershipInvitation.created_at, MembershipInvitation.id)))


def pending_for(session: Session, organisation_id: int) -> list[MembershipInvitation]:
    """An organisation's invitations that await an answer (expired ones included, marked by their date)."""
    return list(session.scalars(select(MembershipInvitation).where(
        MembershipInvitation.organisation_id == organisation_id).order_by(MembershipInvitation.email)))


def own_invitation(session: Session, user, invitation_id: int) -> MembershipInvitation | None:
    """The user's own unexpired invitation with this id; None for another person's, an expired or unknown one."""
    invitation = session.get(MembershipInvitation, invitation_id)
    if invitation is None or invitation.user_id != user.id or _expired(invitation):
        return None
    return invitation


def still_open(session: Session, invitation: MembershipInvitation) -> bool:
    """Lock the invitation's row until the commit; False when another request (a double click, the other button)
    accepted or declined it meanwhile. Call before accepting or declining: two at once then never clash."""
    lock_for_update(session, invitation)
    return session.scalar(select(MembershipInvitation.id).where(MembershipInvitation.id == invitation.id)) is not None


def accept(session: Session, invitation: MembershipInvitation) -> Membership:
    """Turn the invitation into the membership it offered (replacing a role the person already had there)."""
    membership = session.scalar(select(Membership).where(Membership.user_id == invitation.user_id,
                                                         Membership.organisation_id == invitation.organisation_id))
    if membership is None:
        membership = Membership(user_id=invitation.user_id, organisation_id=invitation.organisation_id)
        session.add(membership)
    membership.role, membership.ends_on = invitation.role, invitation.ends_on
    session.delete(invitation)
    session.flush()
    return membership


def _expired(invitation: MembershipInvitation) -> bool:
    expires = invitation.expires_at
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        expires = expires.replace(tzinfo=dt.timezone.utc)
    return expires < utcnow()
