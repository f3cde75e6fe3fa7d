"""Sheet declarations that plugins hand to the core's Excel engine."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """One column: Dutch header, value kind, whether it is required, help text."""

    key: str
    header: str
    kind: str = "text"
    required: bool = True
    help: str = ""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetSpec:
    """A sheet an instrument imports and exports: its name, columns and natural key."""

    name: str
    title: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...] = ()
    model: Any = None
    permission: str | None = None
