"""Answers kept for the rest of one request, forgotten as soon as the database session writes anything.

For reads a page repeats (the agreement in force per widget, region membership per row): the first asks the
database, the others reuse its answer. Any flush (which every write and commit does) forgets all kept
answers, so a request that changes data reads it again; outside a request nothing is kept.
"""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "request_memo"


def request_memo(name: str, session: Session) -> dict | None:
    """The dict of kept answers called `name` for this request, or None when nothing may be kept now
    (outside a request, or while changes wait in the session to be flushed)."""
    if not has_request_context() or session.new or session.dirty or session.deleted:
        return None
    return g.setdefault(_KEY, {}).setdefault(name, {})


@event.listens_for(Session, "after_flush")
def _forget(session, flush_context) -> None:
    """A flush may change what any kept answer was read from."""
    if has_request_context():
        g.pop(_KEY, None)
