"""A sheet's row as a JSON object keyed by column key, as the Excel export writes it (organisations by code)."""
from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from core.excel.spec import Kind, SheetSpec


def json_value(value: Any, kind: str, identifiers: dict[int, str]) -> Any:
    """One cell as JSON: money and decimals as strings (never float), dates as ISO 8601, organisations by code."""
    if value is None:
        return None
    if kind == Kind.ORGANISATION and isinstance(value, int):
        return identifiers.get(value, value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def row_object(spec: SheetSpec, values: list[Any], identifiers: dict[int, str]) -> dict[str, Any]:
    """`values` in `spec.columns` order as {column key: JSON value}."""
    return {col.key: json_value(v, col.kind, identifiers) for col, v in zip(spec.columns, values)}
