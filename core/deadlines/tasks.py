"""The personal task list on the home page, and what an ended mandate is told instead of "not linked"."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.deadlines.collect import Dated, user_deadlines

# Report dates passed longer ago than this leave the task list (the calendar keeps them).
OVERDUE_SHOWN = dt.timedelta(days=14)


@dataclass
class Tasks:
    """What waits for one user, grouped as the home page shows it."""

    to_sign: list[Dated] = field(default_factory=list)
    to_fill: list[Dated] = field(default_factory=list)
    to_assess: list[Dated] = field(default_factory=list)
    ending: list[Dated] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.to_sign or self.to_fill or self.to_assess or self.ending)


def tasks_for(user, today: dt.date, warning_days: int) -> Tasks:
    """Signatures awaited, dates to fill in before (and just passed), assessments, and ends within `warning_days`."""
    tasks = Tasks()
    horizon = today + dt.timedelta(days=warning_days)
    for dated in user_deadlines(user, today):
        day, kind = dated.deadline.date, dated.deadline.kind
        if kind == "sign":
            tasks.to_sign.append(dated)
        elif kind in ("report", "midterm") and day >= today - OVERDUE_SHOWN:
            tasks.to_fill.append(dated)
        elif kind == "assess" and day >= today - OVERDUE_SHOWN:
            tasks.to_assess.append(dated)
        elif kind == "end" and today - OVERDUE_SHOWN <= day <= horizon:
            tasks.ending.append(dated)
    return tasks


def ended_memberships(user, today: dt.date) -> list:
    """The user's memberships whose end date has passed (told as such on the home page), latest first."""
    return sorted((m for m in user.memberships if m.ends_on is not None and m.ends_on < today),
                  key=lambda m: m.ends_on, reverse=True)
