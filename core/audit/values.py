"""Column values as the audit log keeps them: JSON-safe, hidden columns hidden, encoded canonically."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
from itertools import chain

from core.audit.chain import compact_encoder

HIDDEN = "[verborgen]"
PLAIN = frozenset({type(None), bool, int, str})
_ENCODED_BY_DEFAULT = {decimal.Decimal: str, dt.date: dt.date.isoformat, dt.datetime: dt.datetime.isoformat,
                       dt.time: dt.time.isoformat}
ONE_PASS = PLAIN | frozenset(_ENCODED_BY_DEFAULT)  # types the encoder below turns into what json_value gives
encode_values = compact_encoder(default=lambda value: _ENCODED_BY_DEFAULT[value.__class__](value))


def json_value(value):
    """One value as JSON-safe data: floats, decimals and times as text, enums as their value."""
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
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_value(v) for v in value]
    return str(value)


def values_snapshot(model, values: dict) -> dict:
    """Column values written without the ORM (bulk writes) as JSON-safe data, hidden columns hidden."""
    excluded = getattr(model, "__audit_exclude__", ())
    snap = {key: (value if value.__class__ in PLAIN else json_value(value)) for key, value in values.items()}
    for key in excluded:
        if snap.get(key) is not None:
            snap[key] = HIDDEN
    return snap


def rows_values(rows: list, hidden: tuple[int, ...] = ()) -> list:
    """Rows of values (in column order) as JSON-safe data for encode_values; the positions in `hidden` hidden."""
    if not hidden and ONE_PASS.issuperset(map(type, chain.from_iterable(rows))):
        return rows  # encode_values converts decimals and times itself
    safe_rows = []
    for values in rows:
        safe = [value if value.__class__ in PLAIN else json_value(value) for value in values]
        for i in hidden:
            if safe[i] is not None:
                safe[i] = HIDDEN
        safe_rows.append(safe)
    return safe_rows
