"""The staged import: an uploaded sheet waiting for the user's confirmation (or showing its errors).

It lives in the database, not on one worker's disk, so that any app server
can show the preview or the errors and commit the import. It belongs to one
user, one region and one declared sheet, and expires.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

STATE_ERRORS = "errors"  # the upload was refused; payload holds the file and its errors
STATE_READY = "ready"  # the upload is valid; payload holds the rows and the diff


class StagedImport(Base):
    """One upload of a declared sheet by one user, until it is committed, cancelled or expired."""

    __tablename__ = "staged_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)  # unguessable id used in URLs
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    instrument_key: Mapped[str] = mapped_column(String(40))
    sheet_name: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    base_hash: Mapped[str | None] = mapped_column(String(64))  # fingerprint of the rows the diff was made against
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed JSON: the rows to write, or the errors
    upload: Mapped[bytes | None] = mapped_column(LargeBinary)  # the uploaded file, kept to mark its errors
