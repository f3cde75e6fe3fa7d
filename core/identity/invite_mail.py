"""Invite e-mail: one function for the admin pages (platform and organisation) and the CLI's link."""
from __future__ import annotations

from flask import current_app

from core.identity.password_links import invite_url
from core.mail import queue_mail


def send_invite(session, user, *, invited_by: str, organisation=None) -> str:
    """Queue the invite e-mail with the set-password link (same link as `regio users add`); returns the link."""
    link = invite_url(user)
    hours = int(current_app.config["INVITE_HOURS"])
    where = f" voor {organisation.name}" if organisation is not None else ""
    queue_mail(session, [user.email], "Uitnodiging voor het Regioplatform",
               f"Beste {user.name},\n\n{invited_by} nodigt u uit voor het Regioplatform{where}. Kies uw wachtwoord via "
               f"deze link; hij is {hours // 24 if hours >= 48 else hours} {'dagen' if hours >= 48 else 'uur'} "
               f"en één keer geldig:\n\n{link}\n\nDit bericht is verstuurd door het Regioplatform.")
    return link
