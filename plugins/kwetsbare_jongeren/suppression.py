"""Small-number suppression with complementary suppression, as pure functions.

Outside the reporting organisation (and platform admins), a count from 1 up
to the threshold minus one is shown as "<threshold". The published table has
one column per category and a region total per category, which is always
computed from the true counts. So that no suppressed cell can be derived by
subtracting the shown cells from the total, every column keeps either no or
at least two hidden values among its cells and its total, counting as
"hidden" only what the viewer does not already know (their own cells): when
exactly one is hidden, the smallest other cell the viewer does not know is
hidden too ("afgeschermd": it may be any number), or else the total.
"""
from __future__ import annotations

from dataclasses import dataclass, field


COMPLEMENTARY = "afgeschermd"


@dataclass(frozen=True)
class Shown:
    """One published figure: its text and the number behind it (None when hidden or absent)."""

    text: str
    value: int | None
    hidden: bool = False

    def __str__(self) -> str:
        return self.text


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Published:
    rows: list[str]
    cols: list[str]
    cells: dict[tuple[str, str], Shown]
    totals: dict[str, Shown]
    reporters: dict[tuple[str, str], int] = field(default_factory=dict)  # cell -> who reported it (set by the caller)

    def cell(self, row: str, col: str) -> Shown:
        return self.cells.get((row, col), Shown("–", None))


def suppress(values: dict[tuple[str, str], int], rows: list[str], cols: list[str], *, threshold: int,
             known: set[tuple[str, str]] = frozenset(), raw: bool = False) -> Published:
    """Publish `values` ((row, col) -> count; absent means "no figure") with column totals.

    known: cells the viewer reported themselves (shown as they are);
    raw:   show everything (platform admins).
    """
    totals = {c: sum(v for (r, cc), v in values.items() if cc == c) for c in cols}
    present = {c: any((r, c) in values for r in rows) for c in cols}
    if raw:
        cells = {k: Shown(_fmt(v), v) for k, v in values.items()}
        return Published(rows, cols, cells, {c: Shown(_fmt(totals[c]), totals[c]) if present[c] else
                                              Shown("–", None) for c in cols})
    small = lambda v: 0 < v < threshold  # noqa: E731
    hidden = {k for k, v in values.items() if small(v) and k not in known}
    hidden_total = {c for c in cols if present[c] and small(totals[c])}
    changed = True
    while changed:
        changed = False
        for c in cols:
            if not present[c]:
                continue
            in_col = [(r, c) for r in rows if (r, c) in values]
            count = sum(1 for k in in_col if k in hidden) + (c in hidden_total)
            if count != 1:
                continue
            candidates = [k for k in in_col if k not in hidden and k not in known]
            if candidates:
                hidden.add(min(candidates, key=lambda k: (values[k], rows.index(k[0]))))
                changed = True
            elif c not in hidden_total:
                hidden_total.add(c)
                changed = True
            # else: the one hidden figure is a small total over cells the viewer all reported themselves;
            # there is nothing left to derive, and nothing more to hide

    def hide(v: int) -> Shown:  # a small count says "<5"; a complementary one only that it is hidden
        return Shown(f"<{threshold}" if small(v) else COMPLEMENTARY, None, True)

    cells = {k: hide(v) if k in hidden else Shown(_fmt(v), v) for k, v in values.items()}
    out_totals = {}
    for c in cols:
        if not present[c]:
            out_totals[c] = Shown("–", None)
        elif c in hidden_total:
            out_totals[c] = hide(totals[c])
        else:
            out_totals[c] = Shown(_fmt(totals[c]), totals[c])
    return Published(rows, cols, cells, out_totals)
