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
    """

    name: str
    label: str
    default_roles: frozenset[str] = field(default_factory=frozenset)
    region_wide: bool = False

    def __post_init__(self):
        object.__setattr__(self, "default_roles", frozenset(self.default_roles))


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
