"""Comparing validated rows with what is stored: new, changed (old and new side by side), unchanged.

Rows are matched on the sheet's natural key within the region. Rows that
are stored but not in the file are left alone (an upload never deletes).
Only the columns present in the file are compared and written (plus the
natural-key columns: an optional one left out of the file is None).

Matching is NULL-safe: keys are Python tuples, so a None (NULL) in an optional
key column matches a stored NULL and nothing else, on every database (SQL's
`=` would never match NULL).

The fingerprint covers exactly the stored rows the diff was made against
(one entry per row of the file: the stored id and values, or "absent"), so
the commit can tell whether they changed in between.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.excel.spec import SheetSpec

Existing = dict[tuple, tuple[int, tuple]]  # natural key -> (id, values in `keys` order)


@dataclass
class Diff:
    keys: list[str]
    new: list[tuple] = field(default_factory=list)  # values in `keys` order
    changed: list[tuple[int, tuple, tuple]] = field(default_factory=list)  # (id, old values, new values)
    unchanged: int = 0
    base_hash: str = ""
    new_rows: list[int] = field(default_factory=list)  # row number in the file of each new row ([] if unknown)
    changed_rows: list[int] = field(default_factory=list)  # row number in the file of each changed row

    @property
    def change_count(self) -> int:
        return len(self.new) + len(self.changed)


def key_positions(spec: SheetSpec, keys: list[str]) -> list[int]:
    return [keys.index(k) for k in spec.natural_key]


def load_existing(session: Session, spec: SheetSpec, region_id: int, keys: list[str]) -> Existing:
    """The stored rows of the region, by natural key, with the values of `keys`."""
    model = spec.model
    stmt = select(model.id, *[getattr(model, k) for k in keys]).where(model.region_id == region_id)
    positions = key_positions(spec, keys)
    existing: Existing = {}
    for row in session.execute(stmt.execution_options(yield_per=5000)):  # streamed, not buffered whole
        values = tuple(row[1:])
        existing[tuple(values[p] for p in positions)] = (row[0], values)
    return existing


def fingerprint(existing: Existing, file_keys: Iterable[tuple]) -> str:
    """sha256 over the stored (id, values) behind each key of the file, in file order."""
    digest = hashlib.sha256()
    batch = []
    for key in file_keys:
        batch.append(existing.get(key))
        if len(batch) >= 10_000:
            digest.update(repr(batch).encode())
            batch = []
    digest.update(repr(batch).encode())
    return digest.hexdigest()


def compute_diff(session: Session, spec: SheetSpec, region_id: int, keys: list[str],
                 rows: list[tuple[int, tuple]]) -> tuple[Diff, list[tuple]]:
    """The diff, and the natural key of every row of the file (in file order) that it was made for."""
    existing = load_existing(session, spec, region_id, keys)
    positions = key_positions(spec, keys)
    diff = Diff(keys=keys)
    file_keys = []
    for row_number, values in rows:
        key = tuple(values[p] for p in positions)
        file_keys.append(key)
        found = existing.get(key)
        if found is None:
            diff.new.append(values)
            diff.new_rows.append(row_number)
        elif found[1] == values:
            diff.unchanged += 1
        else:
            diff.changed.append((found[0], found[1], values))
            diff.changed_rows.append(row_number)
    diff.base_hash = fingerprint(existing, file_keys)
    return diff, file_keys
