"""An organisation's API token: only the SHA-256 of its secret is stored."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit.models import Audited
from core.db import Base, utcnow

SCOPES = ("read", "write")  # per instrument; "write" includes reading


class ApiToken(Audited, Base):
    """A secret a system of the organisation sends as `Authorization: Bearer <token>`.

    A platform token has no organisation and empty `scopes`: it reads every instrument in every region.
    `scopes` maps an instrument key to "read" or "write". The token acts for its organisation
    only; a revoked or expired token opens nothing. Last use (time and address) is kept for the
    organisation admin, outside the audit log (see core.api.tokens.record_use).
    """

    __tablename__ = "api_token"
    __audit_exclude__ = ("token_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a platform token (made by a platform admin), which reads every region and writes nothing
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        index=True, nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))  # the first characters, to recognise a token in a list
    scopes: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_from: Mapped[str | None] = mapped_column(String(45), nullable=True)

    organisation = relationship("Organisation")
    created_by = relationship("User")

    def is_active(self, today: dt.date) -> bool:
        """Not revoked and not past its expiry day."""
        return self.revoked_at is None and today <= self.expires_on

    @property
    def is_platform(self) -> bool:
        """A platform token: no organisation, read scope over every region and instrument."""
        return self.organisation_id is None

    def may(self, instrument_key: str, scope: str) -> bool:
        """Whether the token reaches `instrument_key` for `scope` ("read" or "write")."""
        if self.is_platform:
            return scope == "read"
        granted = self.scopes.get(instrument_key)
        return granted == "write" or (granted == "read" and scope == "read")
