"""Writing a diff: bulk inserts and Core updates plus their audit entries, in one transaction.

The ORM was measured 7-11x slower and 2.5x hungrier for this, so new rows go
in through core.bulk_insert (COPY on PostgreSQL) and changed ones through a
Core executemany. The audit's flush listener cannot see those writes, so
their entries are written explicitly through `core.audit.bulk.record_rows`
(the same hash chain and lock; up to 1,000 rows of one organisation to an
entry, each row with its values and findable by its id). Before writing, the
stored rows the diff was made against are read again under a lock
(PostgreSQL: an advisory lock per table and region); when they changed,
nothing is written and the user is asked to upload again.

Forms do not take that advisory lock; they save one row with a version check
(core.concurrency). So the rows the import will overwrite are locked first
(`lock_rows`: SELECT ... FOR UPDATE on PostgreSQL, the database's write lock
on SQLite) and their values checked under that lock, before the re-check: a form save either committed before the
lock (the re-check sees it: stale, nothing written) or waits until the import
has committed (its version check then refuses the save: a conflict). The
audit's "before" of an updated row is the diff's old value, which the
re-check proved to be the stored value under that lock. Every update raises
the row's version, as the ORM's version check expects.
"""
from __future__ import annotations

import hashlib
import time
from array import array
from dataclasses import dataclass
from operator import itemgetter

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.aggregates.maintain import touch
from core.audit.bulk import record_rows
from core.bulk_insert import insert_rows
from core.excel.diff import Diff, stored_fingerprint
from core.excel.spec import SheetSpec

CHUNK = 5000


class StaleImport(RuntimeError):
    """The stored data changed after the preview was made (the message is in the reader's language)."""

    def __init__(self):
        super().__init__(_("De gegevens zijn gewijzigd sinds u het bestand uploadde; upload het bestand opnieuw "
                           "om de actuele verschillen te zien."))


def _guarded(conn, stmt, params) -> None:
    """Execute; a unique-key clash with a row written meanwhile by someone else means: upload again."""
    try:
        conn.execute(stmt, params)
    except IntegrityError:
        raise StaleImport() from None


def _lock_key(table: str, region_id: int) -> int:
    digest = hashlib.sha256(f"excel:{table}:{region_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_sheet(session: Session, spec: SheetSpec, region_id: int) -> None:
    """Serialise engine imports into one table and region (PostgreSQL; SQLite has one writer anyway)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(spec.model.__tablename__, region_id)})


def lock_rows(session: Session, spec: SheetSpec, diff: Diff) -> None:
    """Lock the stored rows this import overwrites until the commit, and check they still hold the old values.

    PostgreSQL: SELECT ... FOR UPDATE of the changed rows, in id order (a form's
    UPDATE of one of them waits for the import). SQLite: a write statement that
    touches no row takes the database's write lock first, so no other
    connection writes until the commit. Raises StaleImport when a locked row
    no longer holds the value the diff replaces (a form saved it meanwhile).
    Rows the diff inserts are guarded by the unique key; rows it leaves
    unchanged are not written.
    """
    if not diff.changed:
        return
    conn = session.connection()
    model = spec.model
    id_column = model.__table__.c[inspect(model).column_attrs["id"].columns[0].key]
    postgres = conn.dialect.name == "postgresql"
    if conn.dialect.name == "sqlite":
        conn.execute(update(model.__table__).where(id_column.is_(None)).values({id_column.key: id_column}))
    old = {row_id: values for row_id, values, _new in diff.changed}
    ids = sorted(old)
    for start in range(0, len(ids), CHUNK):
        stmt = (select(id_column, *[getattr(model, k) for k in diff.keys])
                .where(id_column.in_(ids[start:start + CHUNK])).order_by(id_column))
        found = 0
        for row in conn.execute(stmt.with_for_update() if postgres else stmt):
            found += 1
            if tuple(row[1:]) != old[row[0]]:
                raise StaleImport()
        if found != len(ids[start:start + CHUNK]):  # deleted meanwhile
            raise StaleImport()


def recheck(session: Session, spec: SheetSpec, region_id: int, diff: Diff, file_keys: list[tuple]) -> None:
    """Raise StaleImport unless the stored rows behind the file's keys are as they were when diffed."""
    if stored_fingerprint(session, spec, region_id, diff.keys, file_keys) != diff.base_hash:
        raise StaleImport()


def _new_ids(conn, stmt, new: list[tuple], natural) -> array:
    """The id of every row of `new` (in its order), from `stmt`: (id, natural key) of the rows just inserted,
    in id order, streamed.

    The rows were inserted in `new`'s order, so their ids normally come in that order too and each is
    matched by comparing its key with the next expected row's: an array of ids, not a dictionary of every
    key (about 300 MB at 1,000,000 rows). A row that does not line up (another writer's row in between,
    ids handed out in another order) is kept by key, and the rows of `new` not matched in order are
    looked up there: a dictionary of those rows only.
    """
    ids = array("q")
    expected = len(new)
    others: dict[tuple, int] = {}
    for row in conn.execute(stmt.execution_options(yield_per=CHUNK)):
        at = len(ids)
        if at < expected and tuple(row[1:]) == natural(new[at]):
            ids.append(row[0])
        else:
            others[tuple(row[1:])] = row[0]
    for values in new[len(ids):]:
        ids.append(others[natural(values)])
    return ids


@dataclass
class WriteStats:
    inserted: int = 0
    updated: int = 0
    audit_seconds: float = 0.0  # of the time spent, how much went into the audit log


def write_diff(session: Session, spec: SheetSpec, region_id: int, diff: Diff,
               actor: tuple[int | None, str]) -> WriteStats:
    """Insert the new rows and update the changed ones, with audit entries; the caller commits."""
    mapper = inspect(spec.model)
    table = spec.model.__table__
    column_key = {attr.key: attr.columns[0].key for attr in mapper.column_attrs}
    id_key = column_key["id"]
    region_key = column_key["region_id"]
    keys = diff.keys
    conn = session.connection()
    stats = WriteStats(len(diff.new), len(diff.changed))

    # The rows in bulk (core.bulk_insert: COPY on PostgreSQL; with RETURNING the batches were 4x slower there),
    # then their ids by natural key: ids only grow, and the unique key on (region, natural key) makes the
    # match exact.
    positions = [keys.index(k) for k in spec.natural_key]
    stored_keys = ("id", "region_id", *keys)  # what an audit entry records of a row: all its written columns
    if diff.new:
        before_max = conn.scalar(select(func.max(table.c[id_key]))) or 0
        columns = [column_key[k] for k in keys] + [region_key]
        for start in range(0, len(diff.new), CHUNK):
            try:
                insert_rows(conn, table, columns, [(*values, region_id) for values in diff.new[start:start + CHUNK]])
            except IntegrityError:  # a row with the same key, written meanwhile by someone else
                raise StaleImport() from None
        natural = itemgetter(*positions) if len(positions) > 1 else (lambda values: (values[positions[0]],))
        ids = _new_ids(conn, select(table.c[id_key], *[table.c[column_key[k]] for k in spec.natural_key])
                       .where(table.c[region_key] == region_id, table.c[id_key] > before_max)
                       .order_by(table.c[id_key]), diff.new, natural)
        started = time.perf_counter()
        record_rows(conn, actor, spec.model, "create", stored_keys,
                    ((None, (row_id, region_id, *values)) for row_id, values in zip(ids, diff.new)))
        stats.audit_seconds += time.perf_counter() - started

    if diff.changed:
        written = {column_key[k]: bindparam(f"b_{k}") for k in keys}
        version = mapper.version_id_col
        if version is not None:  # core.concurrency.Versioned: a form holding the old version must not save it
            written[version.key] = version + 1
        update_stmt = update(table).where(table.c[id_key] == bindparam("b__id")).values(written)
        for start in range(0, len(diff.changed), CHUNK):
            chunk = diff.changed[start:start + CHUNK]
            params = []
            for row_id, _old, new in chunk:
                row = {f"b_{k}": v for k, v in zip(keys, new)}
                row["b__id"] = row_id
                params.append(row)
            _guarded(conn, update_stmt, params)
        started = time.perf_counter()
        record_rows(conn, actor, spec.model, "update", stored_keys,
                    (((row_id, region_id, *old), (row_id, region_id, *new)) for row_id, old, new in diff.changed))
        stats.audit_seconds += time.perf_counter() - started
    touch(session, spec.model, {region_id})  # the maintained sums (core.aggregates), in this transaction
    return stats
