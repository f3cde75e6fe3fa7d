"""The region's published figures: one count per municipality, period and category, suppressed for the viewer.

The monitor table is an aggregate over every organisation's rows of the
region (that is its purpose), so it is read here without `scoped`; what a
viewer may see of it is decided cell by cell (access.Viewer): raw for
platform admins, own cells raw for the reporting organisation, everything
else through `suppression.suppress`.

Which report counts (one rule, implemented once: `counted`). Each organisation
keeps its own report (the natural key of a count is reporter, municipality,
period and category), so a municipality and the RMC may both report about the
same municipality, period and category. The figures count every municipality
once per period and category:

    The municipality's own report counts. Without one, the report of the
    organisation that reported the cell first counts (in practice the
    region's one RMC).

"First" is the report stored first (the lowest row id): a correction by its
reporter keeps it counting, and a later report by yet another organisation
never silently takes its place; only the municipality's own report does. The
page states the rule in Dutch where the figures are explained (index.html).

`counted` is a SQL condition on a count. Every reader of the figures goes
through it: `region_rows` and `latest_period_rows` (the page, the widget, the
suppression, the completeness, the public page, the published export and the
preview hook), and the maintained sums (national.aggregates takes it as the
`where` of its declarations; the core recomputes a region's sums on every
write, so a report that starts or stops counting when the other one comes or
goes is picked up), through which retention keeps the sums of removed periods.
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from core.plugin_api import Completeness, Organisation, completeness, db_session, lazy_gettext

from .models import CATEGORIES, MonitorCount
from .access import Viewer
from .suppression import Published, suppress

JIKP_SOURCE = lazy_gettext("OCW in cijfers, 'Jongeren in kwetsbare positie in de RMC-regio', schooljaar 2021-2022 "
                           "naar 2022-2023 (bepaling 1 oktober)")
JIKP_URL = ("https://www.ocwincijfers.nl/themas/jongeren-in-een-kwetsbare-positie/"
            "jongeren-in-kwetsbare-positie-in-de-rmc-regio")


def own_report(count=MonitorCount):
    """SQL: `count` was reported by the municipality it is about (its reporter's CBS code is the municipality)."""
    reporter = aliased(Organisation)
    return exists(select(reporter.id).where(reporter.id == count.organisation_id,
                                            reporter.identifier == count.municipality))


def counted(count=MonitorCount):
    """SQL condition on `count` (MonitorCount or an alias of it): this report is the one that counts for its
    municipality, period and category (the rule in the module docstring)."""
    other = aliased(MonitorCount)
    beaten = exists(select(other.id).where(
        other.region_id == count.region_id, other.municipality == count.municipality,
        other.period == count.period, other.category == count.category, other.id != count.id,
        or_(own_report(other), other.id < count.id)))
    return or_(own_report(count), ~beaten)


def municipalities(region) -> dict[str, str]:
    """CBS code -> name of the region's member municipalities."""
    return {m.organisation.identifier: m.organisation.name for m in region.members
            if m.organisation.kind == "gemeente"}


def reporter_names(region) -> dict[int, str]:
    """Organisation id -> name of the region's members (who reported a count)."""
    return {m.organisation_id: m.organisation.name for m in region.members}


def region_rows(region_id: int, session=None) -> list[tuple[int, str, str, str, int]]:
    """(organisation id, municipality, period, category, count) of every count in the region that counts: one
    per municipality, period and category (`counted`)."""
    return [tuple(r) for r in (session or db_session()).execute(_region_rows_stmt(), {"region_id": region_id})]


def latest_period_rows(region_id: int, session=None) -> list[tuple[int, str, str, str, int]]:
    """`region_rows` of the region's latest period only (one statement): what the dashboard card shows, the
    same whatever the length of the history."""
    return [tuple(r) for r in (session or db_session()).execute(_latest_period_stmt(), {"region_id": region_id})]


# The two reads above are built once per process (the rule's correlated subquery is costly to build on every
# request) with the region as a bound parameter.

@cache
def _region_rows_stmt():
    return select(MonitorCount.organisation_id, MonitorCount.municipality, MonitorCount.period,
                  MonitorCount.category, MonitorCount.count).where(MonitorCount.region_id == bindparam("region_id"),
                                                                   counted())


@cache
def _latest_period_stmt():
    region = bindparam("region_id")
    latest = select(func.max(MonitorCount.period)).where(MonitorCount.region_id == region).scalar_subquery()
    return select(MonitorCount.organisation_id, MonitorCount.municipality, MonitorCount.period,
                  MonitorCount.category, MonitorCount.count).where(MonitorCount.region_id == region,
                                                                   MonitorCount.period == latest, counted())


def has_demo(region_id: int) -> bool:
    """Whether any count of the region was generated by `regio demo`."""
    return db_session().scalar(select(MonitorCount.id).where(
        MonitorCount.region_id == region_id, MonitorCount.is_demo.is_(True)).limit(1)) is not None


def periods(rows) -> list[str]:
    return sorted({r[2] for r in rows})


def table(rows, period: str, names: dict[str, str], *, threshold: int, viewer: Viewer) -> Published:
    """Municipalities x categories for one period, with region totals per category.

    `rows` hold one count per municipality, period and category (region_rows: the report that counts, never
    a sum of reports by the municipality and the RMC); `reporters` says who reported it, and the viewer knows
    the cells whose counting report their organisation made.
    """
    values: dict[tuple[str, str], int] = {}
    reporters: dict[tuple[str, str], int] = {}
    for org_id, muni, per, cat, count in rows:
        if per != period:
            continue
        values[(muni, cat)] = count
        reporters[(muni, cat)] = org_id
    known = {k for k, org_id in reporters.items() if org_id in viewer.org_ids}
    munis = sorted({m for m, _c in values}, key=lambda m: names.get(m, m))
    published = suppress(values, munis, list(CATEGORIES), threshold=threshold, known=known, raw=viewer.raw)
    published.reporters = reporters
    return published


def period_completeness(rows, period: str, names: dict[str, str]) -> Completeness:
    """Which of the region's municipalities (`names`: CBS code -> name) have counts in `period`: the region
    totals of a period with missing municipalities are part of the region, not all of it."""
    return completeness(names, {r[1] for r in rows if r[2] == period}, noun="gemeente")


def by_period(rows) -> dict[str, list]:
    """`rows` grouped per period, in one pass (each period's table then reads its own rows, not all of them)."""
    out: dict[str, list] = {}
    for row in rows:
        out.setdefault(row[2], []).append(row)
    return out


def completeness_per_period(rows, names: dict[str, str]) -> dict[str, Completeness]:
    """`period_completeness` of every period in `rows`, in one pass over them."""
    return {period: period_completeness(own, period, names) for period, own in by_period(rows).items()}


def over_time(rows, names, *, threshold: int, viewer: Viewer) -> list[tuple[str, Published]]:
    """(period, published table) for every period, oldest first."""
    grouped = by_period(rows)
    return [(p, table(grouped[p], p, names, threshold=threshold, viewer=viewer)) for p in sorted(grouped)]


@cache
def _jikp() -> dict[str, dict]:
    path = Path(__file__).parent / "data" / "jikp_rmc_2021_2022.csv"
    with path.open(encoding="utf-8") as f:
        return {row["rmc_code"]: row for row in csv.DictReader(f)}


def jikp_for(rmc_code: str) -> dict | None:
    """The region's share of youth in a vulnerable transition (real figure), or None."""
    row = _jikp().get(rmc_code)
    if row is None:
        return None
    return {"percent": row["share_vulnerable_transition_percent"], "from": row["school_year_from"],
            "to": row["school_year_to"], "source": JIKP_SOURCE, "url": JIKP_URL}


def own_reports(region_id: int, municipality: str, period: str, categories) -> int:
    """How many of `categories` the municipality reported itself in `period`: there another organisation's
    report does not count (`counted`)."""
    stmt = (select(func.count()).select_from(MonitorCount)
            .where(MonitorCount.region_id == region_id, MonitorCount.municipality == municipality,
                   MonitorCount.period == period, MonitorCount.category.in_(list(categories)), own_report()))
    return db_session().scalar(stmt) or 0


def not_counted(region_id: int, period: str, org_ids) -> int:
    """How many counts the organisations `org_ids` reported in `period` that do not count (`counted`: another
    report of the same cell does), so a reporter can see that its report is stored but not in the figures."""
    if not org_ids:
        return 0
    stmt = select(func.count()).select_from(MonitorCount).where(
        MonitorCount.region_id == region_id, MonitorCount.period == period,
        MonitorCount.organisation_id.in_(sorted(org_ids)), ~counted())
    return db_session().scalar(stmt) or 0
