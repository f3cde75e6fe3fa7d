"""Ids in URLs: `<int:...>` matches only what fits the database's integer columns.

Werkzeug's int converter takes any number of digits; an id beyond the
32-bit INTEGER range would reach the database and fail there (OverflowError
on SQLite, an out-of-range error on PostgreSQL): a 500. With this
converter such a URL matches no route, a plain 404 like any unknown id.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

INTEGER_MAX = 2**31 - 1  # SQL INTEGER, the type of every id column


class IdConverter(IntegerConverter):
    """`int` with a default maximum of INTEGER_MAX (an explicit `max=` still wins)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INTEGER_MAX, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install(app: Flask) -> None:
    """Replace the `int` converter; call before any blueprint's routes are registered."""
    app.url_map.converters["int"] = IdConverter
