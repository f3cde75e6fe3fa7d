"""The record of one background job: whose it is, how far it got, and how it ended.

RQ (in Redis) runs the job; this row, in the platform's database, is what
the progress page reads. It belongs to one user in one region (`owner_id`,
`region_id`): `authorize` shows it to its owner only, and only while they see
the region. A job an API token started (a large batch write, core/api/jobs.py)
has no owner but the token (`api_token_id`) and its organisation
(`api_organisation_id`): `authorize` shows it to that organisation's tokens only. Progress counts are written from a connection of their own, so
they show while the job's work is still one open transaction.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

QUEUED = "queued"  # waiting for a worker
RUNNING = "running"  # a worker (or the request itself) is at it
DONE = "done"  # finished; `result_token` or `result` holds what it made
FAILED = "failed"  # ended with `message` (a reason the user can act on); nothing was stored
ACTIVE = (QUEUED, RUNNING)


class BackgroundJob(Base):
    """One upload, confirm, export or API batch write run outside the request that asked for it."""

    __tablename__ = "background_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)  # unguessable id used in URLs
    kind: Mapped[str] = mapped_column(String(40))  # a registered handler (core/jobs/runner.py)
    # the user whose job it is; None for a job an API token started
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True,
                                                 nullable=True)
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"), index=True,
                                                     nullable=True)
    api_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                            nullable=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    instrument_key: Mapped[str] = mapped_column(String(40))
    sheet_name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(10), default="nl")  # the owner's language for messages
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rq_id: Mapped[str | None] = mapped_column(String(64))  # the RQ job running it; None when run inline
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_validated: Mapped[int] = mapped_column(Integer, default=0)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the handler needs (file name, token)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)  # the uploaded file, dropped when done
    message: Mapped[str | None] = mapped_column(Text)  # why it failed, or a notice for the result page
    result_token: Mapped[str | None] = mapped_column(String(43))  # the staged import an upload made
    result: Mapped[bytes | None] = mapped_column(LargeBinary)  # an export's workbook
