"""Keyset pagination: one page of a list query, the total count, and a cursor for the next page.

A page never renders more than LIST_PAGE_SIZE rows (configuration). The next page starts after the last row
shown (its sort key, carried in the URL as an opaque cursor), not at an offset: a page deep in a table of
100,000 rows costs what the first does. Exports stay the way to get every row.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Sequence

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    """The rows of one page, how many rows the whole list has, and the cursor of the next page (or None)."""

    rows: list
    total: int
    next_cursor: str | None
    size: int


def page_size() -> int:
    """The configured maximum number of rows a list page renders (LIST_PAGE_SIZE)."""
    return max(int(current_app.config.get("LIST_PAGE_SIZE", DEFAULT_PAGE_SIZE)), 1)


def _encode(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str | None, width: int) -> list | None:
    """The sort key in a cursor; None for no cursor or one that is not ours (the list starts at the top)."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        return None
    if not isinstance(values, list) or len(values) != width or not all(isinstance(v, (str, int)) for v in values):
        return None
    return values


def _after(keys, values) -> Any:
    """Rows strictly after `values` in the order of `keys` ((column, descending) pairs, none nullable)."""
    (column, descending), rest = keys[0], keys[1:]
    beyond = column < values[0] if descending else column > values[0]
    if not rest:
        return beyond
    return or_(beyond, and_(column == values[0], _after(rest, values[1:])))


def keyset_page(session: Session, stmt: Select, keys: Sequence[tuple[Any, bool]], cursor: str | None,
                size: int | None = None) -> Page:
    """One page of `stmt` (a select of one entity), ordered by `keys`: (column, descending) pairs whose
    last one is unique (the primary key). One statement, whatever the size of the list: the page's rows
    with the total count alongside (a second one only when the page is empty). `cursor`: the page's start as given by the previous page's `next_cursor`."""
    size = size or page_size()
    total = select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()
    values = _decode(cursor, len(keys))
    if values is not None:
        stmt = stmt.where(_after(keys, values))
    stmt = stmt.order_by(*[column.desc() if descending else column.asc() for column, descending in keys])
    found = session.execute(stmt.add_columns(total.label("list_total")).limit(size + 1)).all()
    rows = [row[0] for row in found[:size]]
    if found:
        count = found[0][-1]
    elif values is None:  # nothing from the top: an empty list
        count = 0
    else:  # nothing after the cursor (rows were removed meanwhile): count apart
        count = session.scalar(select(total))
    next_cursor = None
    if len(found) > size:
        last = rows[-1]
        next_cursor = _encode([getattr(last, column.key) for column, _descending in keys])
    return Page(rows, count or 0, next_cursor, size)
