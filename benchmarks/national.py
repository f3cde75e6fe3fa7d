"""The national overview on 100,000 rows next to a region page, in one run (issue 20).

Run:  .venv/bin/python benchmarks/national.py [--rows 100000] [--repeat 9]

On the demo (the real 40 regions, SQLite) it adds ROWS figures spread over every region (vulnerable-youth
counts, vsv figures and stagepact reports, 60/36/4 %) with the engine's bulk writer, then brings the
maintained sums up to date as an import does (core.aggregates.maintain.touch per region, timed). Then,
over HTTP on the development server, for the ministry's /landelijk/ and a coordinator's region page
/regio/rmc-19/: the median time to first byte, the HTML bytes and the SQL statements of one request. The
floor of the same run is the region page (the issue's target: the national page within 1.2x of it, at
most 10 statements, whatever the number of rows); /gezondheid is printed as the server's own floor.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pages import SECRET, sign_in, ttfb  # noqa: E402  (the same HTTP client and demo sign-in as pages.py)

PERIODS = [f"{y}-{y + 1}" for y in range(2015, 2025)]  # ten school years


def add_rows(app, total: int) -> tuple[int, float]:
    """Insert about `total` rows over every region in bulk; returns (rows, seconds spent keeping the sums)."""
    from sqlalchemy import select

    from core.aggregates.maintain import touch
    from core.bulk_insert import insert_rows
    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from plugins.kwetsbare_jongeren.models import CATEGORIES, MonitorCount
    from plugins.stagepact.models import Report
    from plugins.vsv.models import VsvFigure

    with app.app_context():
        session = db_session()
        regions = session.scalars(select(Region.id).order_by(Region.id)).all()
        orgs = session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
        per_region = total // len(regions)
        kj_munis = max(1, round(per_region * 0.60 / (len(PERIODS) * len(CATEGORIES))))
        vsv_orgs = max(1, round(per_region * 0.36 / len(PERIODS)))
        sp_orgs = max(1, round(per_region * 0.04 / len(PERIODS)))
        session.query(MonitorCount).delete()
        session.query(VsvFigure).delete()
        session.query(Report).delete()
        conn = session.connection()
        written = 0
        for i, region_id in enumerate(regions):
            org = orgs[i % len(orgs)]
            kj = [(region_id, org, f"X{i:02d}{m:03d}", period, category, (m * 7 + i) % 60)
                  for m in range(kj_munis) for period in PERIODS for category in CATEGORIES]
            insert_rows(conn, MonitorCount.__table__, ["region_id", "organisation_id", "municipality", "period",
                                                       "category", "count"], kj)
            pool = orgs[(i * 97) % len(orgs):] + orgs
            vsv = [(region_id, pool[o], period, 1000 + o, (o * 13 + i) % 80)
                   for o in range(vsv_orgs) for period in PERIODS]
            insert_rows(conn, VsvFigure.__table__, ["region_id", "organisation_id", "school_year", "participants",
                                                    "new_leavers"], vsv)
            sp = [(region_id, pool[o], period, True, o % 2 == 0, 10 + o, 8 + o, o % 3, o % 5, 5)
                  for o in range(sp_orgs) for period in PERIODS]
            insert_rows(conn, Report.__table__, ["region_id", "organisation_id", "school_year", "has_desk",
                                                 "has_procedure", "reports_received", "reports_handled",
                                                 "reports_forwarded", "teams_matching", "teams_total"], sp)
            written += len(kj) + len(vsv) + len(sp)
        started = time.perf_counter()
        for model in (MonitorCount, VsvFigure, Report):
            for region_id in regions:
                touch(session, model, {region_id})
        keeping = time.perf_counter() - started
        session.commit()
        return written, keeping


def statements(app, browser, path: str) -> int:
    from sqlalchemy import event

    engine = app.extensions["regioplatform.db"].engine
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        status, _body, _t, _h = browser.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert status == 200, (path, status)
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    from core.testing import demo_app, serve

    print("Loading the demo (real regions, demo accounts) ...", flush=True)
    app = demo_app(Path(tempfile.mkdtemp()), SECRET, LOGIN_LIMIT="100000 per minute")
    started = time.perf_counter()
    written, keeping = add_rows(app, args.rows)
    print(f"{written:,} rows written in {time.perf_counter() - started:.1f} s; keeping the sums of every region "
          f"up to date (as each region's import does) took {keeping * 1000:.0f} ms in all")
    base_url, stop = serve(app)
    try:
        coordinator = sign_in(base_url, "coordinator.utrecht")
        ministry = sign_in(base_url, "ministerie")
        health, _ = ttfb(coordinator, "/gezondheid", args.repeat)
        pages = [("region page (floor)", coordinator, "/regio/rmc-19/"), ("national overview", ministry, "/landelijk/")]
        results = []
        for name, browser, path in pages:
            first_byte, html = ttfb(browser, path, args.repeat)
            results.append((name, path, first_byte, len(html), statements(app, browser, path)))
        floor = results[0][2]
        print(f"\nServer floor /gezondheid: {health * 1000:.1f} ms. Median of {args.repeat} requests.\n")
        print(f"{'page':<22}{'path':<18}{'TTFB ms':>9}{'x region':>10}{'HTML bytes':>12}{'SQL':>5}")
        for name, path, first_byte, size, sql in results:
            print(f"{name:<22}{path:<18}{first_byte * 1000:>9.1f}{first_byte / floor:>10.2f}{size:>12,}{sql:>5}")
        national = results[1]
        ok = national[2] <= 1.2 * floor and national[4] <= 10
        print(f"\nTarget (within 1.2x of the region page, at most 10 statements): {'met' if ok else 'NOT met'}")
    finally:
        stop()


if __name__ == "__main__":
    main()
