"""Session listeners that write an audit entry for every change to an `Audited` model."""
from __future__ import annotations

import datetime as dt
import decimal
import enum

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.audit.chain import GENESIS, entry_hash
from core.audit.models import Audited, AuditEntry
from core.db import utcnow

HIDDEN = "[verborgen]"
_PENDING_KEY = "audit_pending"
ACTOR_KEY = "audit_actor"  # session.info[ACTOR_KEY] = (user_id | None, label)
_PG_LOCK_ID = 727_001  # advisory lock that serialises the chain on PostgreSQL


def install(factory: sessionmaker) -> None:
    """Attach the audit listeners to a session factory."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_rollback", _forget)


def _json_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_value(v) for v in value]
    return str(value)


def snapshot(obj, *, before: bool = False) -> dict:
    """The column values of `obj` as JSON-safe data (the committed values if `before`)."""
    state = inspect(obj)
    excluded = set(getattr(obj, "__audit_exclude__", ()))
    data = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
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
        data[key] = _json_value(value)
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


def append_entries(conn, actor: tuple[int | None, str], entries: list[dict]) -> None:
    """Append entries to the one hash chain, in the caller's transaction.

    Each entry gives action, object_type, object_id, region_id,
    organisation_id, before and after (JSON-safe); `actor` is (user id, label).
    On PostgreSQL an advisory lock serialises every writer of the chain.
    """
    if not entries:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})
    previous = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    previous = previous or GENESIS
    user_id, label = actor
    at = utcnow()  # one moment for the whole flush or batch: they are one transaction
    rows = []
    for entry in entries:
        fields = {
            "at": at,
            "user_id": user_id,
            "actor": label,
            "action": entry["action"],
            "object_type": entry["object_type"],
            "object_id": entry["object_id"],
            "region_id": entry["region_id"],
            "organisation_id": entry["organisation_id"],
            "before": entry["before"],
            "after": entry["after"],
            "prev_hash": previous,
        }
        fields["hash"] = entry_hash(fields)
        previous = fields["hash"]
        rows.append(fields)
    conn.execute(insert(AuditEntry), rows)


_PLAIN = frozenset({type(None), bool, int, str})


def values_snapshot(model, values: dict) -> dict:
    """Column values written without the ORM (bulk writes) as JSON-safe data, hidden columns hidden."""
    excluded = getattr(model, "__audit_exclude__", ())
    snap = {key: (value if value.__class__ in _PLAIN else _json_value(value)) for key, value in values.items()}
    for key in excluded:
        if snap.get(key) is not None:
            snap[key] = HIDDEN
    return snap


def record_bulk(conn, actor: tuple[int | None, str], model, changes) -> None:
    """Audit rows written through SQLAlchemy Core (which the flush listener cannot see).

    `changes` yields (action, id, before, after) with before/after as dicts of
    column values (None where not applicable). Does nothing for models that
    are not `Audited`. Call it in the same transaction as the write itself.
    """
    if not (isinstance(model, type) and issubclass(model, Audited)):
        return
    table = model.__tablename__
    entries = []
    for action, object_id, before, after in changes:
        scope = after if after is not None else before
        entries.append({
            "action": action,
            "object_type": table,
            "object_id": str(object_id),
            "region_id": scope.get("region_id"),
            "organisation_id": scope.get("organisation_id"),
            "before": None if before is None else values_snapshot(model, before),
            "after": None if after is None else values_snapshot(model, after),
        })
    append_entries(conn, actor, entries)
