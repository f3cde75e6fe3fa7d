"""Retention: with `retention_months` in a region's [instruments.kwetsbare_jongeren], `regio purge` removes the
counts per municipality of periods that ended longer ago; the region and national sums stay, the removal is
audited and the chain verifies; a region without the setting keeps every count."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from core.testing import make_user
from tests.conftest import FIXTURE_REGIONS

from .conftest import KEY, USERS, World


@pytest.fixture
def world(app_factory, tmp_path):
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace(f"[instruments.{KEY}]\nenabled = true\n",
                                             f"[instruments.{KEY}]\nenabled = true\nretention_months = 24\n"))
    app = app_factory(REGIONS_DIR=str(regions))
    world = World(app)
    assert world.cli("regions", "sync").exit_code == 0
    for email, org, role in USERS.values():
        make_user(app, email, org=org, role=role, platform_admin=org is None)
    return world


def _years_ago(n: int) -> str:
    """The school year that ended n years before this one (e.g. n=4: four years old)."""
    year = dt.date.today().year - n
    return f"{year - 1}-{year}"


def _sums(world):
    from core.db import db_session
    from core.plugin_api import aggregate_table

    with world.app.app_context():
        counts = aggregate_table(KEY, "counts", db_session())
        reported = aggregate_table(KEY, "reported", db_session())
        return dict(counts.values), dict(reported.values)


def test_purge_removes_old_counts_and_keeps_the_sums(world):
    old, recent = _years_ago(4), _years_ago(0)
    world.add_counts([("GM0344", "GM0344", old, "in beeld", 7), ("GM0310", "GM0310", old, "in beeld", 3),
                      ("GM0344", "GM0344", recent, "in beeld", 9)])
    world.add_counts([("GM0599", "GM0599", old, "in beeld", 11)], region="rmc-29")
    before = _sums(world)
    assert any(p == old for _r, p, _m in before[0])

    result = world.cli("purge")
    assert result.exit_code == 0, result.output
    assert f"Bewaartermijn {KEY} in rmc-19: 2 uit kwetsbare_jongeren_count" in result.output
    assert set(world.counts()) == {("GM0344", "GM0344", recent, "in beeld")}
    assert world.counts("rmc-29") == {("GM0599", "GM0599", old, "in beeld"): 11}  # no setting: all kept
    assert _sums(world) == before  # the totals of the removed period stay, in the region and nationally

    from core.audit.models import AuditEntry
    from core.db import db_session

    with world.app.app_context():
        entry = db_session().scalars(select(AuditEntry).where(AuditEntry.action == "retention")).one()
        assert entry.object_type == KEY and entry.after["removed"] == {"kwetsbare_jongeren_count": 2}
        assert entry.after["period"] == "24 maanden"
    verified = world.cli("audit", "verify")
    assert verified.exit_code == 0, verified.output

    world.add_counts([("GM0310", "GM0310", recent, "in beeld", 2)])  # a later report leaves the old sums alone
    from core.plugin_api import Region

    with world.app.app_context():
        rmc19 = db_session().scalar(select(Region.id).where(Region.slug == "rmc-19"))
    counts, reported = _sums(world)
    assert counts[(rmc19, old, "count:in beeld")] == 10 and reported[(rmc19, old, "municipalities")] == 2
    assert counts[(rmc19, recent, "count:in beeld")] == 11


def test_a_cell_two_organisations_reported_stays_counted_once_after_the_purge(world):
    """The municipality and the RMC both reported an old cell: the sums hold the municipality's count once,
    before and after the purge removes both reports."""
    from core.db import db_session
    from core.plugin_api import Region

    old = _years_ago(4)
    world.add_counts([("GM0344", "GM0344", old, "in beeld", 7), ("MC19", "GM0344", old, "in beeld", 100),
                      ("MC19", "GM0310", old, "in beeld", 3)])
    with world.app.app_context():
        rmc19 = db_session().scalar(select(Region.id).where(Region.slug == "rmc-19"))
    before = _sums(world)
    assert before[0][(rmc19, old, "count:in beeld")] == 10  # 7 + 3, not 110
    assert before[1][(rmc19, old, "municipalities")] == 2
    result = world.cli("purge")
    assert f"Bewaartermijn {KEY} in rmc-19: 3 uit kwetsbare_jongeren_count" in result.output
    assert world.counts() == {}
    assert _sums(world) == before


def test_the_platform_default_applies_where_a_region_sets_nothing(app_factory):
    """INSTRUMENT_RETENTION_MONTHS: rmc-29 sets no retention_months, so the platform's 24 months apply there."""
    world = World(app_factory(INSTRUMENT_RETENTION_MONTHS={KEY: 24}))
    world.add_counts([("GM0599", "GM0599", _years_ago(4), "in beeld", 11),
                      ("GM0599", "GM0599", _years_ago(1), "in beeld", 4)], region="rmc-29")
    before = _sums(world)
    result = world.cli("purge")
    assert f"Bewaartermijn {KEY} in rmc-29: 1 uit kwetsbare_jongeren_count" in result.output
    assert world.counts("rmc-29") == {("GM0599", "GM0599", _years_ago(1), "in beeld"): 4}
    assert _sums(world) == before


def test_period_end():
    from plugins.kwetsbare_jongeren.retention import period_end

    assert period_end("2024-2025") == dt.date(2025, 7, 31)
    assert period_end("2025-K1") == dt.date(2025, 3, 31)
    assert period_end("2025-K4") == dt.date(2025, 12, 31)
    assert period_end("onzin") is None
