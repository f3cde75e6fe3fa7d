"""Two or more reporters, same cell: after any mix of writes the figures count each cell once, by the rule.

Writes go through the real paths: the Excel engine's import (Core bulk writes, as the RMC or Utrecht) and
ORM adds, changes and deletions (the maintained sums' flush listener), including a reporter the sheet does
not allow (De Bilt about Utrecht) so the rule's tie-break is exercised. After every step:
- the maintained sums equal a recomputation from the rows (core.aggregates);
- they equal the rule computed here independently in Python: per municipality, period and category the
  municipality's own report, else the report stored first;
- the region page's figures (figures.region_rows) hold the same one count per cell.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from .conftest import KEY, workbook

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PERIODS = ["2023-2024", "2024-2025"]
CATEGORIES = ["in beeld", "begeleid naar werk"]
MUNICIPALITIES = ["GM0344", "GM0310"]
REPORTERS = ["GM0344", "MC19", "GM0310"]

cells = st.tuples(st.sampled_from(MUNICIPALITIES), st.sampled_from(PERIODS), st.sampled_from(CATEGORIES))
steps = st.lists(st.one_of(
    st.tuples(st.just("store"), st.sampled_from(REPORTERS), cells, st.integers(0, 60)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("import"), st.sampled_from(["coord", "utrecht"]),
              st.lists(st.tuples(cells, st.integers(0, 60)), min_size=1, max_size=4, unique_by=lambda r: r[0])),
), min_size=1, max_size=6)


def _apply(world, step) -> None:
    from core.db import db_session
    from core.plugin_api import Region
    from plugins.kwetsbare_jongeren.models import MonitorCount

    kind = step[0]
    if kind == "import":
        _who, reporter = step[1], {"coord": "MC19", "utrecht": "GM0344"}[step[1]]
        rows = [[reporter, muni, period, cat, n] for (muni, period, cat), n in step[2]
                if reporter == "MC19" or muni == reporter]
        if not rows:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "monitor.xlsx"
            path.write_bytes(workbook(rows))
            result = world.cli("import", KEY, "monitor", path, "--region", "rmc-19", "--as", world.email(_who))
        assert result.exit_code == 0, result.output
        return
    with world.app.app_context():
        session = db_session()
        if kind == "delete":
            ids = session.scalars(select(MonitorCount.id).order_by(MonitorCount.id)).all()
            if ids:
                session.delete(session.get(MonitorCount, ids[step[1] % len(ids)]))
        else:
            _kind, reporter, (muni, period, cat), n = step
            org = world.org_id(reporter)
            row = session.scalar(select(MonitorCount).where(
                MonitorCount.organisation_id == org, MonitorCount.municipality == muni,
                MonitorCount.period == period, MonitorCount.category == cat))
            if row is None:
                region_id = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
                session.add(MonitorCount(region_id=region_id, organisation_id=org, municipality=muni, period=period,
                                         category=cat, count=n))
            else:
                row.count = n
        session.commit()


def _by_the_rule(world) -> dict[tuple[str, str], int]:
    """(period, category) -> total, the rule computed in Python from every stored report."""
    from core.db import db_session
    from core.plugin_api import Organisation
    from plugins.kwetsbare_jongeren.models import MonitorCount

    with world.app.app_context():
        rows = db_session().execute(
            select(MonitorCount.id, Organisation.identifier, MonitorCount.municipality, MonitorCount.period,
                   MonitorCount.category, MonitorCount.count)
            .join(Organisation, Organisation.id == MonitorCount.organisation_id)).all()
    reports: dict[tuple, list] = {}
    for row_id, reporter, muni, period, cat, n in rows:
        reports.setdefault((muni, period, cat), []).append((reporter != muni, row_id, n))  # own first, then id
    totals: dict[tuple[str, str], int] = {}
    for (muni, period, cat), found in reports.items():
        totals[(period, cat)] = totals.get((period, cat), 0) + min(found)[2]
    return totals


@SETTINGS
@given(steps=steps)
def test_the_sums_and_the_page_count_each_cell_once_by_the_rule(world, steps):
    from core.aggregates.maintain import recomputed, stored
    from core.db import db_session
    from core.plugin_api import Region, aggregate_table
    from plugins.kwetsbare_jongeren import figures

    for step in steps:
        _apply(world, step)
        expected = _by_the_rule(world)
        with world.app.app_context():
            session = db_session()
            assert stored(session) == recomputed(session)
            sums = aggregate_table(KEY, "counts", session)
            maintained = {(p, m.split(":", 1)[1]): int(v) for (_r, p, m), v in dict(sums.values).items()}
            region_id = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
            page: dict[tuple[str, str], int] = {}
            cells_seen = set()
            for _org, muni, period, cat, n in figures.region_rows(region_id, session):
                assert (muni, period, cat) not in cells_seen  # one count per cell on the page
                cells_seen.add((muni, period, cat))
                page[(period, cat)] = page.get((period, cat), 0) + n
        assert maintained == expected
        assert page == expected
