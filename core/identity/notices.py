"""Security notices (ASVS 2.2.3, 2.5.5): the user hears of every change to how they sign in.

A notice is queued in the outbox in the same transaction as the change (the
caller commits with `commit_and_deliver`), so a change that is rolled back
sends nothing. A notice says what changed and when, never a secret: no
password, TOTP secret, recovery code or link.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from core.db import utcnow
from core.mail import queue_mail

NOTICES: dict[str, tuple[str, str]] = {
    "password_changed": ("Uw wachtwoord is gewijzigd", "Uw wachtwoord voor het Regioplatform is gewijzigd."),
    "password_reset": ("Uw wachtwoord is opnieuw ingesteld",
                       "Uw wachtwoord voor het Regioplatform is opnieuw ingesteld via een link per e-mail."),
    "two_factor_enrolled": ("Tweestapsverificatie ingesteld",
                            "Voor uw account op het Regioplatform is tweestapsverificatie met een app ingesteld."),
    "recovery_codes_renewed": ("Nieuwe herstelcodes gemaakt",
                               "Voor uw account op het Regioplatform zijn nieuwe herstelcodes gemaakt; "
                               "de vorige herstelcodes werken niet meer."),
    "two_factor_reset": ("Tweestapsverificatie uitgezet door een beheerder",
                         "Een platformbeheerder heeft de tweestapsverificatie van uw account op het Regioplatform "
                         "uitgezet; uw herstelcodes werken niet meer en u bent overal uitgelogd. Als dat voor uw rol "
                         "verplicht is, stelt u bij de volgende keer inloggen opnieuw een app in."),
}


def notify(session, user, kind: str) -> None:
    """Queue the notice `kind` for `user` in the current transaction (the caller commits)."""
    subject, what = NOTICES[kind]
    when = utcnow().astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y om %H:%M")
    queue_mail(session, [user.email], f"{subject} (Regioplatform)",
               f"Beste {user.name},\n\n{what} Dit gebeurde op {when} (Nederlandse tijd).\n\n"
               "Deed u of uw beheerder dit? Dan hoeft u niets te doen. Herkent u dit niet? Vraag dan via "
               "'Wachtwoord vergeten' op de inlogpagina een nieuw wachtwoord aan en neem contact op met de "
               "beheerder van het Regioplatform.\n\n"
               "Dit bericht is verstuurd door het Regioplatform. Het bevat geen wachtwoorden of codes; "
               "vraag ons daar nooit om en geef ze aan niemand.")
