"""Session listeners that write an audit entry for every change to an `Audited` model."""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from core.audit.bulk import record_bulk
from core.audit.models import Audited
from core.audit.store import append_entries
from core.audit.values import HIDDEN, json_value, values_snapshot

__all__ = ["install", "snapshot", "values_snapshot", "record_bulk", "append_entries", "ACTOR_KEY", "HIDDEN"]

_PENDING_KEY = "audit_pending"
ACTOR_KEY = "audit_actor"  # session.info[ACTOR_KEY] = (user_id | None, label)


def install(factory: sessionmaker) -> None:
    """Attach the audit listeners to a session factory."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_rollback", _forget)


def snapshot(obj, *, before: bool = False) -> dict:
    """The column values of `obj` as JSON-safe data (the committed values if `before`)."""
    state = inspect(obj)
    excluded = set(getattr(obj, "__audit_exclude__", ()))
    version = state.mapper.version_id_col  # core.concurrency's version: bookkeeping, not a value anyone entered
    data = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if version is not None and version in attr.columns:
            continue
        if before:
            hist = state.attrs[key].history
            if hist.deleted:
                value = hist.deleted[0]
            elif hist.unchanged:
                value = hist.unchanged[0]
            else:
                value = state.dict.get(key)
        else:
            value = state.dict.get(key)
        if key in excluded:
            value = HIDDEN if value is not None else None
        data[key] = json_value(value)
    return data


def _before_flush(session: Session, _ctx, _instances) -> None:
    pending = session.info.setdefault(_PENDING_KEY, [])
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append(("create", obj, None))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            pending.append(("update", obj, snapshot(obj, before=True)))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append(("delete", obj, snapshot(obj, before=True)))


def _forget(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def _actor(session: Session) -> tuple[int | None, str]:
    try:
        from flask import has_request_context
        from flask_login import current_user

        if has_request_context() and current_user.is_authenticated:
            return current_user.id, current_user.email
    except Exception:  # pragma: no cover - outside Flask
        pass
    return session.info.get(ACTOR_KEY, (None, "systeem"))


def _scope_ids(obj) -> tuple[int | None, int | None]:
    region_id = getattr(obj, "region_id", None)
    organisation_id = getattr(obj, "organisation_id", None)
    if type(obj).__tablename__ == "organisation":
        organisation_id = obj.id
    return region_id, organisation_id


def _after_flush(session: Session, _ctx) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    entries = []
    for action, obj, before in pending:
        state = inspect(obj)
        identity = state.identity or ()
        if not identity:  # a new object gets its identity key only after the flush
            identity = state.mapper.primary_key_from_instance(obj)
        region_id, organisation_id = _scope_ids(obj)
        entries.append({
            "action": action,
            "object_type": type(obj).__tablename__,
            "object_id": "/".join(str(part) for part in identity),
            "region_id": region_id,
            "organisation_id": organisation_id,
            "before": before,
            "after": None if action == "delete" else snapshot(obj),
        })
    append_entries(session.connection(), _actor(session), entries)
