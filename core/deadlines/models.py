"""Tables of the deadlines: reminders sent (one row claims one reminder), opt-outs per kind, iCal feeds."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class ReminderSent(Base):
    """One reminder, claimed before its e-mail is queued (in the same transaction).

    Unique per deadline, date, recipient and offset: a second run, a run on another server
    at the same moment or a run after a crash finds the row (or waits for it) and sends nothing.
    """

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("deadline_uid", "due", "user_id", "offset_days", name="uq_reminder_sent_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_uid: Mapped[str] = mapped_column(String(300))  # region/source/ref (collect.Dated.uid)
    due: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    offset_days: Mapped[int] = mapped_column(Integer)  # days before the date; negative: days after it
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReminderOptOut(Base):
    """A user who switched reminders of one kind (report, sign, ...) off on their account page."""

    __tablename__ = "reminder_opt_out"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))


class CalendarFeed(Base):
    """A user's secret iCal address: only the SHA-256 of its token is stored; deleting the row revokes it."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
