"""Declarations that instrument plugins return from their hooks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Instrument:
    """An instrument's identity: key (= entry-point name), Dutch name, description, sort order."""

    key: str
    name: str
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class Permission:
    """An action an instrument adds, named `<key>.<verb>`, and the roles that get it by default.

    `region_wide`: members of a region's coordinating organisation (usually the
    RMC) exercise this action, with a role that grants it, over the objects of
    every organisation in that region (e.g. the RMC reports for all its
    municipalities). Otherwise a role only reaches its own organisation's objects.
    `label`: what the action is, in Dutch and marked with lazy_gettext so it is
    shown in the reader's language.
    `platform_roles`: roles above the regions ("ministry", "assessor") that hold this
    action in every region and over every organisation, without a membership. The
    ministry reads everything anyway; name it here for an action it performs
    (a decision), and "assessor" for what a national committee may read and do.
    """

    name: str
    label: str
    default_roles: frozenset[str] = field(default_factory=frozenset)
    region_wide: bool = False
    platform_roles: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "default_roles", frozenset(self.default_roles))
        object.__setattr__(self, "platform_roles", frozenset(self.platform_roles))


@dataclass(frozen=True)
class NavItem:
    """A link in a region's menu; dropped when the user lacks `permission`."""

    label: str
    endpoint: str
    permission: str | None = None
    order: int = 0


@dataclass(frozen=True)
class Widget:
    """A card on the region dashboard, rendered from `template` with `context()`."""

    title: str
    template: str
    context: Callable[[], dict[str, Any]] = dict
    permission: str | None = None
    order: int = 0


@dataclass(frozen=True)
class NationalTable:
    """The table under a national chart: one row per region, the same columns everywhere.

    `kinds` gives each column's kind ("text", "count", "money", "percent"): the core formats
    the cells in the reader's language and writes them as typed cells in the .xlsx export.
    Counts are int, money Decimal euros, percent a Decimal fraction (0.25 = 25 %); None is
    shown as "geen gegevens". `note` says how complete the figures are (shown under the table).
    """

    caption: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class NationalSection:
    """One instrument's part of the national overview: every region side by side.

    `template` renders the chart and the text above the table, with `context()`;
    `table()` returns the NationalTable the core shows under it and exports as .xlsx.
    Dropped when the reader lacks `permission`.
    """

    title: str
    template: str
    table: Callable[[], NationalTable]
    context: Callable[[], dict[str, Any]] = dict
    permission: str | None = None
    order: int = 0
