"""The optional Idempotency-Key header on API writes: a key, per token, remembers the first answer.

The same key with the same request (method, path, query and body) answers the stored first response without
writing again; the same key with another request is a 422 problem. Keys expire after
API_IDEMPOTENCY_HOURS (config, default 24); an expired key is forgotten and may be used again. The record is
added in the write's own transaction, so a write and its key are committed together or not at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
DEFAULT_HOURS = 24


class IdempotentResponse(Base):
    """The first response to a write sent with an Idempotency-Key (not audited: the write itself is)."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(Integer, ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


def request_fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """The SHA-256 of what makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def lifetime(config) -> dt.timedelta:
    """How long a key is remembered (API_IDEMPOTENCY_HOURS)."""
    return dt.timedelta(hours=float(config.get("API_IDEMPOTENCY_HOURS", DEFAULT_HOURS)))


def find(session, token_id: int, key: str, config) -> IdempotentResponse | None:
    """The stored response of this token's key, or None; an expired one is deleted first."""
    session.execute(delete(IdempotentResponse).where(IdempotentResponse.token_id == token_id,
                                                     IdempotentResponse.created_at < utcnow() - lifetime(config)))
    return session.scalar(select(IdempotentResponse).where(IdempotentResponse.token_id == token_id,
                                                           IdempotentResponse.key == key))


def remember(session, token_id: int, key: str, fingerprint: str, status: int, body: dict) -> None:
    """Add the response to the session, to be committed with the write it answers."""
    session.add(IdempotentResponse(token_id=token_id, key=key, request_hash=fingerprint, status=status,
                                   body=json.dumps(body, ensure_ascii=False)))
