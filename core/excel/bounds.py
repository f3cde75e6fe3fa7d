"""Bounds that the database can hold: every integer and decimal column is checked against its column type.

A count with a few extra zeros (3,000,000,000 in an Integer column) must be
named at its cell at validation, never fail at the commit. The bounds come
from the model column's SQLAlchemy type: Integer is 32-bit, BigInteger and
SQLite's own integers 64-bit, SmallInteger 16-bit, Numeric(p, s) below
10^(p-s). A bound the sheet declares stays when it is tighter.
"""
from __future__ import annotations

import decimal
from dataclasses import replace

from sqlalchemy import types as sa_types

from core.excel.spec import Column, Kind, SheetSpec, _model_columns

INT16 = 2 ** 15 - 1
INT32 = 2 ** 31 - 1
INT64 = 2 ** 63 - 1


def type_bounds(column_type) -> tuple[object, object] | None:
    """(minimum, maximum) that a column of this SQLAlchemy type can store, or None when unbounded/unknown."""
    if isinstance(column_type, sa_types.BigInteger):
        return -INT64 - 1, INT64
    if isinstance(column_type, sa_types.SmallInteger):
        return -INT16 - 1, INT16
    if isinstance(column_type, sa_types.Integer):
        return -INT32 - 1, INT32
    if isinstance(column_type, sa_types.Numeric) and not isinstance(column_type, sa_types.Float):
        precision, scale = column_type.precision, column_type.scale or 0
        if precision is None:
            return None
        largest = decimal.Decimal(10) ** (precision - scale) - decimal.Decimal(1).scaleb(-scale)
        return -largest, largest
    return None


def _tighter_low(declared, storable):
    if declared is None:
        return storable
    return declared if decimal.Decimal(str(declared)) >= decimal.Decimal(str(storable)) else storable


def _tighter_high(declared, storable):
    if declared is None:
        return storable
    return declared if decimal.Decimal(str(declared)) <= decimal.Decimal(str(storable)) else storable


def storable(spec: SheetSpec, col: Column) -> Column:
    """The column with bounds that its model column can hold (declared bounds kept when tighter).

    Only for validation: templates and the Toelichting keep showing the declared bounds.
    """
    if col.kind not in (Kind.INTEGER, Kind.DECIMAL) or spec.model is None:
        return col
    table_column = (_model_columns(spec.model) or {}).get(col.key)
    if table_column is None:
        return col
    bounds = type_bounds(table_column.type)
    if bounds is None:
        return col
    low, high = bounds
    if col.kind == Kind.INTEGER and isinstance(low, decimal.Decimal):
        low, high = int(low), int(high)  # an integer column over a Numeric(p, 0) type
    return replace(col, minimum=_tighter_low(col.minimum, low), maximum=_tighter_high(col.maximum, high))
