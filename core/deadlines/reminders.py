"""Reminder e-mails of the calendar's dates, each sent once, in the recipient's language.

`send_reminders` is run by `regio reminders send`, from cron or a systemd timer (or a periodic job).
For every date of every region it picks the reminder that is due today: the latest offset of the
region's (days before the date; negative: after it) whose day has come, at most GRACE days late,
so a run that missed a day still sends it and a late-added user does not get a stale reminder.
Before the e-mail is queued, a `reminder_sent` row is claimed with a conditional insert (unique per
date, recipient and offset; ON CONFLICT DO NOTHING); the claim and the outbox message commit
together. A second run, a run on another server at the same moment (the database makes it wait for
the first insert and then skip) or a run after a crash (nothing committed: nothing claimed) sends
each reminder once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.deadlines.collect import Dated, region_deadlines
from core.deadlines.models import ReminderOptOut, ReminderSent
from core.i18n import LANGUAGES, SOURCE_LANGUAGE, long_date
from core.identity.models import Membership, User, today as netherlands_today
from core.mail import commit_and_deliver, queue_mail
from core.regions.models import Region

DEFAULT_OFFSETS = (14, 3, 1, -1)  # days before the date (and the day after a missed one)
GRACE = dt.timedelta(days=3)


@dataclass(frozen=True)
class RunReport:
    sent: int
    skipped: int  # already sent (by an earlier or a parallel run)

    def __str__(self) -> str:
        return f"{self.sent} herinneringen verstuurd, {self.skipped} al eerder verstuurd"


def offsets_of(region: Region) -> tuple[int, ...]:
    """The region's offsets ([reminders] in its file), largest first; the defaults when the file sets none."""
    offsets = region.reminder_offsets
    return tuple(sorted(DEFAULT_OFFSETS if offsets is None else offsets, reverse=True))


def due_offset(offsets, date: dt.date, today: dt.date) -> int | None:
    """The offset whose reminder is due today for `date`, or None."""
    come = [o for o in offsets if date - dt.timedelta(days=o) <= today]
    if not come:
        return None
    offset = min(come)  # the latest reminder day that has come
    return offset if today - (date - dt.timedelta(days=offset)) <= GRACE else None


def recipients(session: Session, dated: Dated, today: dt.date) -> list[User]:
    """Active users with a membership that applies today in an organisation and role the date concerns, and
    the active users it names by e-mail address; minus members of its excluded organisations and those who
    switched this kind off."""
    d = dated.deadline
    applies = Membership.ends_on.is_(None) | (Membership.ends_on >= today)
    who = []
    if d.organisations and d.roles:
        who.append(User.id.in_(select(Membership.user_id).where(
            Membership.organisation_id.in_(d.organisations), Membership.role.in_(d.roles), applies)))
    if d.people:
        who.append(func.lower(User.email).in_(sorted(d.people)))
    if not who:
        return []
    opted_out = select(ReminderOptOut.user_id).where(ReminderOptOut.kind == d.kind)
    query = select(User).where(or_(*who), User.active.is_(True), User.id.not_in(opted_out))
    if d.excluded:
        query = query.where(User.id.not_in(select(Membership.user_id).where(
            Membership.organisation_id.in_(d.excluded), applies)))
    return list(session.scalars(query.order_by(User.id)))


def claim(session: Session, uid: str, due: dt.date, user_id: int, offset: int) -> bool:
    """Insert the reminder's row unless it exists; True when this run claimed it (and must send it)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(ReminderSent).values(deadline_uid=uid, due=due, user_id=user_id, offset_days=offset,
                                       sent_at=dt.datetime.now(dt.timezone.utc))
    stmt = stmt.on_conflict_do_nothing(index_elements=["deadline_uid", "due", "user_id", "offset_days"])
    # RETURNING says whether this statement inserted the row (a rowcount is not reliable for every driver)
    return session.execute(stmt.returning(ReminderSent.id)).first() is not None


def message(dated: Dated, offset: int, today: dt.date) -> tuple[str, str]:
    """Subject and body in the current locale (the caller forces the recipient's language)."""
    d = dated.deadline
    title, date = str(d.title), long_date(d.date)
    days = (d.date - today).days
    if d.kind == "sign":
        subject = _("Herinnering: %(title)s wacht op uw ondertekening", title=title)
        when = _("ligt sinds %(date)s ter ondertekening", date=date)
    elif days > 1:
        subject = _("Herinnering: %(title)s op %(date)s", title=title, date=date)
        when = _("over %(days)s dagen, op %(date)s", days=days, date=date)
    elif days == 1:
        subject = _("Herinnering: %(title)s morgen", title=title)
        when = _("morgen, %(date)s", date=date)
    elif days == 0:
        subject = _("Herinnering: %(title)s vandaag", title=title)
        when = _("vandaag, %(date)s", date=date)
    else:
        subject = _("Verlopen: %(title)s (%(date)s)", title=title, date=date)
        when = _("was op %(date)s en is voorbij", date=date)
    lines = [f"{title} ({dated.region.name}, {dated.source_label}): {when}."]
    if d.detail:
        lines.append(str(d.detail))
    if d.locks and days >= 0:
        lines.append(_("Na deze dag wordt het vergrendeld."))
    if dated.url:
        lines.append(_("Ga naar: %(url)s", url=dated.url))
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    path = current_app.url_map.bind("localhost").build("agenda.reminders")
    lines.append("")
    lines.append(_("U krijgt dit bericht als herinnering van het Regioplatform. Herinneringen van deze soort zet "
                   "u uit op %(url)s", url=base + path))
    return subject, "\n".join(lines)


def language_of(user: User) -> str:
    return user.language if user.language in LANGUAGES else SOURCE_LANGUAGE


def send_reminders(session: Session, today: dt.date | None = None) -> RunReport:
    """Queue (and, with MAIL_SERVER set, deliver) every reminder due today that no run has sent yet."""
    today = today or netherlands_today()
    sent = skipped = 0
    for region in session.scalars(select(Region).order_by(Region.id)).all():
        offsets = offsets_of(region)
        if not offsets:
            continue
        for dated in region_deadlines(region, today):
            offset = due_offset(offsets, dated.deadline.date, today)
            if offset is None:
                continue
            for user in recipients(session, dated, today):
                if not claim(session, dated.uid, dated.deadline.date, user.id, offset):
                    skipped += 1
                    continue
                with force_locale(language_of(user)):
                    subject, body = message(dated, offset, today)
                queue_mail(session, [user.email], subject, body)
                commit_and_deliver(session)  # the claim and its message together, or neither
                sent += 1
    session.commit()
    return RunReport(sent, skipped)
