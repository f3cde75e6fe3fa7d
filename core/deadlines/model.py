"""`Deadline`: a date an instrument (or the core) declares through the `deadlines(region)` hook."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

# kind -> label (Dutch source text, shown in the reader's language)
KINDS: dict[str, Any] = {
    "report": _l("inleveren"),
    "sign": _l("ondertekenen"),
    "assess": _l("beoordelen"),
    "midterm": _l("tussentijdse verantwoording"),
    "end": _l("einddatum"),
}


@dataclass(frozen=True)
class Deadline:
    """One date in a region's calendar.

    kind:          "report", "sign", "assess", "midterm" or "end" (KINDS).
    date:          the day itself (the deadline day is still open; it passes the day after).
    title:         Dutch, marked with lazy_gettext (or a name, e.g. an agreement's title).
    ref:           a stable identity within the instrument, e.g. "figures:2025-2026": a reminder is sent
                   once per ref, date, recipient and offset, and the iCal feed uses it as the event's UID.
    organisations: ids of the organisations it concerns; roles: the roles there that must act.
                   A user is concerned when a membership that applies today is in one of the
                   organisations with one of the roles.
    people:        e-mail addresses of named people it concerns besides (e.g. a region's appointed assessors);
                   compared case-insensitively. A user is concerned when their address is one of them.
    excluded:      ids of organisations whose members (a membership that applies today) are never concerned,
                   whatever the above says (e.g. an application's own parties: a conflict of interest).
    link:          the endpoint of the page to act on (the instrument's own, "regio.<key>.<view>", or a
                   core page); link_args: its URL arguments except the region.
    locks:         passing the date locks something (figures, a report); shown in the calendar.
    detail:        one more line for the task list (e.g. the version and who already signed).
    private:       shown only to the people it concerns (e.g. a person's mandate), never to the region.
    """

    kind: str
    date: dt.date
    title: Any
    ref: str
    organisations: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    people: frozenset[str] = field(default_factory=frozenset)
    excluded: frozenset[int] = field(default_factory=frozenset)
    link: str | None = None
    link_args: dict = field(default_factory=dict)
    locks: bool = False
    detail: Any = ""
    private: bool = False

    def __post_init__(self):
        object.__setattr__(self, "organisations", frozenset(self.organisations))
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "people", frozenset(p.strip().lower() for p in self.people if p and p.strip()))
        object.__setattr__(self, "excluded", frozenset(self.excluded))
        object.__setattr__(self, "link_args", dict(self.link_args))

    def problems(self) -> list[str]:
        """What is wrong with this value (empty when it is fine); the core drops and logs a wrong one."""
        out = []
        if self.kind not in KINDS:
            out.append(f"unknown kind '{self.kind}' (use one of {', '.join(KINDS)})")
        if not isinstance(self.date, dt.date) or isinstance(self.date, dt.datetime):
            out.append("date must be a datetime.date")
        if not self.ref:
            out.append("ref is empty")
        return out

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))
