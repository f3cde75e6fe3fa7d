"""Bulk entries: rows written through SQLAlchemy Core, audited up to BULK_ROWS rows to an entry.

A design choice for speed. One entry per row made a 100,000-row Excel import
write 100,000 entries, each with its own JSON, hash and six index entries;
even with each value encoded once and the entries copied in bulk that took
about 1.5x the time of inserting the imported rows themselves and left the
import at three times its floor on SQLite, without margin. So rows written
in bulk are audited together: one entry per action, region and organisation
for up to BULK_ROWS rows, with who and when in the entry's own fields and
every row's values before and after in its payload:

    before / after = {"columns": ["id", "region_id", ...], "rows": [[17, 3, ...], ...]}

Row i of `before` and row i of `after` are the same row; "id" is its key.
Each row's key also goes into the `audit_row` table, so the audit page and
every query for a row's history (`touches_row`) find bulk entries as they
find per-row ones, and `regio audit verify` checks that table against the
hashed payloads (`check_rows`). Changes made through the ORM keep one entry
per row (core.audit.capture).
"""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import or_, select

from core.audit.models import Audited, AuditEntry, AuditRow
from core.audit.store import append_items
from core.audit.values import encode_values, rows_values
from core.bulk_insert import insert_rows

BULK_ROWS = 1000
KEY = "id"
_PENDING_ENTRIES = 50  # entries kept in memory before they are appended to the chain


def record_rows(conn, actor: tuple[int | None, str], model, action: str, columns: Sequence[str],
                rows: Iterable[tuple]) -> int:
    """Audit rows written through SQLAlchemy Core; returns the number of entries written.

    `rows` yields (before, after): the row's values in `columns` order, or
    None (no before for a create, no after for a delete). `columns` holds
    "id" (the row's key) and, where the model has them, "region_id" and
    "organisation_id": an entry covers one region and one organisation, so
    the audit page's filters find it. Does nothing for models that are not
    `Audited`. Call it in the same transaction as the write itself.
    """
    if not (isinstance(model, type) and issubclass(model, Audited)):
        return 0
    columns = list(columns)
    key = columns.index(KEY)
    region = columns.index("region_id") if "region_id" in columns else None
    organisation = columns.index("organisation_id") if "organisation_id" in columns else None
    hidden = tuple(columns.index(c) for c in getattr(model, "__audit_exclude__", ()) if c in columns)
    table = model.__tablename__
    groups: dict[tuple, list[tuple]] = {}
    pending: list[tuple] = []  # (entry item, row keys)
    written = 0

    def close(scope: tuple, group: list[tuple]) -> None:
        region_id, organisation_id, has_before, has_after = scope
        payloads = [encode_values({"columns": columns, "rows": rows_values([r[i] for r in group], hidden)})
                    if present else None for i, present in ((0, has_before), (1, has_after))]
        label = "1 rij" if len(group) == 1 else f"{len(group)} rijen"
        keys = list(dict.fromkeys(str((r[1] if r[1] is not None else r[0])[key]) for r in group))
        pending.append(((action, table, label, region_id, organisation_id, *payloads), keys))

    def flush() -> None:
        nonlocal written
        ids = append_items(conn, actor, [item for item, _keys in pending])
        insert_rows(conn, AuditRow.__table__, ("object_id", "entry_id"),
                    [(object_id, entry_id) for entry_id, (_item, keys) in zip(ids, pending) for object_id in keys],
                    convert=False)
        written += len(ids)
        pending.clear()

    for before, after in rows:
        values = after if after is not None else before
        scope = (None if region is None else values[region], None if organisation is None else values[organisation],
                 before is not None, after is not None)
        group = groups.setdefault(scope, [])
        group.append((before, after))
        if len(group) >= BULK_ROWS:
            close(scope, groups.pop(scope))
            if len(pending) >= _PENDING_ENTRIES:
                flush()
    for scope, group in groups.items():
        close(scope, group)
    if pending:
        flush()
    return written


def record_bulk(conn, actor: tuple[int | None, str], model, changes) -> int:
    """`record_rows` for changes given as (action, id, before, after), before/after dicts of column values.

    Rows of one action with the same columns share entries; a dict without
    "id" gets the given id. Returns the number of entries written.
    """
    by_shape: dict[tuple, list[tuple]] = {}
    for action, object_id, before, after in changes:
        before = before if before is None or KEY in before else {KEY: object_id, **before}
        after = after if after is None or KEY in after else {KEY: object_id, **after}
        columns = tuple(after if after is not None else before)
        by_shape.setdefault((action, columns), []).append((
            None if before is None else tuple(before[c] for c in columns),
            None if after is None else tuple(after[c] for c in columns)))
    return sum(record_rows(conn, actor, model, action, columns, rows)
               for (action, columns), rows in by_shape.items())


def is_bulk(entry) -> bool:
    """True for an entry written by record_rows (its payload lists rows)."""
    payload = entry.after if entry.after is not None else entry.before
    return isinstance(payload, dict) and payload.keys() == {"columns", "rows"}


def row_changes(entry) -> list[tuple[str, dict | None, dict | None]]:
    """The rows an entry changed as (row key, before, after): one for a per-row entry, each row of a bulk one."""
    if not is_bulk(entry):
        return [(entry.object_id, entry.before, entry.after)]
    sides = [None if payload is None else [dict(zip(payload["columns"], row)) for row in payload["rows"]]
             for payload in (entry.before, entry.after)]
    count = len(sides[0] if sides[0] is not None else sides[1])
    before, after = [side if side is not None else [None] * count for side in sides]
    return [(str((a if a is not None else b)[KEY]), b, a) for b, a in zip(before, after)]


def touches_row(object_id: str):
    """SQL condition on AuditEntry: the entry changed the row with this key (per-row or in bulk)."""
    return or_(AuditEntry.object_id == object_id,
               AuditEntry.id.in_(select(AuditRow.entry_id).where(AuditRow.object_id == object_id)))


def check_rows(session, entries: list, after_id: int) -> list[tuple[int, str]]:
    """Compare audit_row with the payloads of `entries` (the next entries of the log after `after_id`).

    Covers the audit_row rows of entry ids above `after_id` up to the last of
    `entries`, or all above it when `entries` is empty (the end of the log).
    Returns (entry id, reason) for every entry whose rows differ and every
    entry id that audit_row names but the log lacks.
    """
    where = AuditRow.entry_id > after_id
    if entries:
        where &= AuditRow.entry_id <= entries[-1].id
    listed: dict[int, set[str]] = {}
    for object_id, entry_id in session.execute(select(AuditRow.object_id, AuditRow.entry_id).where(where)):
        listed.setdefault(entry_id, set()).add(object_id)
    problems = []
    for entry in entries:
        expected = {key for key, _before, _after in row_changes(entry)} if is_bulk(entry) else set()
        if listed.pop(entry.id, set()) != expected:
            problems.append((entry.id, "de rijen-index (audit_row) wijkt af van de rijen in de regel"))
    problems += [(entry_id, "de rijen-index (audit_row) verwijst naar een regel die niet bestaat")
                 for entry_id in sorted(listed)]
    return problems
