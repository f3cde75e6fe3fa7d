"""Excel engine benchmark: a 100,000-row sheet imported end to end and exported, next to its floors.

Run:  .venv/bin/python benchmarks/excel.py [--rows N] [--runs N] [--database-url URL] [--no-postgres]

Each measurement and each floor runs --runs times (default 3), interleaved, and
the fastest run is shown, so that a busy moment of the machine does not decide
a ratio; peak memory is the highest of the runs.

The sheet is the test plugin's "hello-groeten" (tests/plugins/hello) with 8
columns, written with shared strings as Excel saves it, for an editor of the
16 municipalities of RMC region Utrecht. Every measurement runs in a fresh
child process, so its peak memory (maximum resident set size, interpreter and
libraries included) is its own. Floors are measured in the same run:

* parse floor:  python-calamine opening the file and walking every row (no checks);
* insert floor: one SQLAlchemy Core executemany of the same rows, already typed;
* write floor:  xlsxwriter (constant_memory) writing the same cells as the export (the 8 columns and
                the computed Antwoordpercentage), with the same number formats, with typed calls, from
                values already in memory.

Measured: import end to end (zip/XML safety check, parse, validate every cell
and row with per-row authorization, diff against the database, insert, audit
entries, commit), the same file again (nothing to change), and the export.
Targets: import <= 3x (parse + insert floor), export <= 1.5x write floor,
peak memory < 250 MB for both imports. SQLite always; PostgreSQL too when
postgresql://postgres@127.0.0.1:5432/regio_bench (or --database-url) answers;
that database is created if the server lacks it, and its schema is dropped
and recreated (so do not point it at the tests' database while they run).
"""
from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMAIL = "bench@utrecht.example"
HEADER = ["Organisatie", "Schooljaar", "Groet", "Verstuurd", "Beantwoord", "Budget", "Verstuurd op", "Openbaar"]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/regio_bench"  # its own database: the tests use .../test


def peak_mb() -> float:
    """This process's peak resident memory. (ru_maxrss would carry over the parent's peak across fork/exec.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def values(i: int, orgs: list[str]) -> list:
    """Row i of the sheet, as the cells hold it."""
    return [orgs[i % len(orgs)], f"{2015 + i % 10}-{2016 + i % 10}", f"Groet nummer {i}", 100 + i % 900,
            i % 100, round((i % 10000) * 1.25, 2), dt.date(2024, 1, 1) + dt.timedelta(days=i % 365), i % 2 == 0]


def make_sheet(path: Path, rows: int, orgs: list[str]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))  # shared strings, as Excel writes them
    ws = wb.add_worksheet("Groeten")
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, HEADER, bold)
    for i in range(rows):
        org, year, text, sent, answered, budget, sent_on, public = values(i, orgs)
        r = i + 1
        ws.write_string(r, 0, org)
        ws.write_string(r, 1, year)
        ws.write_string(r, 2, text)
        ws.write_number(r, 3, sent)
        ws.write_number(r, 4, answered)
        ws.write_number(r, 5, budget)
        ws.write_datetime(r, 6, sent_on, date)
        ws.write_string(r, 7, "ja" if public else "nee")
    wb.close()


def build_app(url: str):
    from core import create_app
    from tests.plugins.hello import hooks as hello

    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    return create_app({"DATABASE_URL": url, "REGIONS_DIR": str(ROOT / "tests" / "fixtures" / "regions"),
                       "TESTING": True}, extra_plugins=[hello])


# --- setup (parent) ---------------------------------------------------------

def prepare_database(url: str) -> list[str]:
    """Migrate, load the regions, create the editor of every municipality of rmc-19; return their codes."""
    from sqlalchemy import select, text

    from core import migrate
    from core.db import db_session
    from core.identity.models import Membership, User
    from core.regions.models import Region
    from core.regions.sync import sync_regions

    app = build_app(url)
    with app.app_context():
        engine = app.extensions["regioplatform.db"].engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(app)
        session = db_session()
        sync_regions(session, app.extensions["regioplatform.regions"])
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        gemeenten = [m.organisation for m in region.members if m.organisation.kind == "gemeente"]
        user = User(email=EMAIL, name="Bench")
        session.add(user)
        session.flush()
        for org in gemeenten:
            session.add(Membership(user_id=user.id, organisation_id=org.id, role="editor"))
        session.commit()
        codes = sorted(o.identifier for o in gemeenten)
    app.extensions["regioplatform.db"].dispose()
    return codes


# --- measurements (children) --------------------------------------------------

def clear(app) -> None:
    from sqlalchemy import delete

    from sqlalchemy import select

    from core.audit.models import AuditEntry, AuditRow
    from core.db import db_session
    from tests.plugins.hello.models import Greeting

    with app.app_context():
        session = db_session()
        session.execute(delete(Greeting))
        entries = select(AuditEntry.id).where(AuditEntry.object_type == "hello_greeting")
        session.execute(delete(AuditRow).where(AuditRow.entry_id.in_(entries)))
        session.execute(delete(AuditEntry).where(AuditEntry.object_type == "hello_greeting"))
        session.commit()


def child_parse(args) -> dict:
    import python_calamine

    start = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(args.file)
    count = sum(1 for _ in workbook.get_sheet_by_name("Groeten").iter_rows())
    return {"seconds": time.perf_counter() - start, "rows": count - 1}


def child_insert(args) -> dict:
    from sqlalchemy import insert, select

    from core.db import db_session
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from tests.plugins.hello.models import Greeting

    app = build_app(args.database_url)
    clear(app)
    orgs = json.loads(args.orgs)
    with app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
        ids = dict(session.execute(select(Organisation.identifier, Organisation.id)).all())
        params = []
        for i in range(args.rows):
            org, year, text, sent, answered, budget, sent_on, public = values(i, orgs)
            params.append({"region_id": region_id, "organisation_id": ids[org], "school_year": year, "text": text,
                           "sent": sent, "answered": answered, "budget": decimal.Decimal(str(budget)),
                           "sent_on": sent_on, "public": public})
        session.commit()
        start = time.perf_counter()
        with session.begin():
            session.connection().execute(insert(Greeting.__table__), params)
        seconds = time.perf_counter() - start
    clear(app)
    return {"seconds": seconds}


def child_import(args) -> dict:
    from sqlalchemy import select

    from core.db import db_session
    from core.excel import engine
    from core.excel.store import lock_sheet
    from core.identity.models import User
    from core.regions.models import Region

    app = build_app(args.database_url)
    if args.kind == "import":
        clear(app)
    data = Path(args.file).read_bytes()
    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EMAIL))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        start = time.perf_counter()
        lock_sheet(session, spec, region.id)
        prepared = engine.prepare_import(session, spec=spec, instrument="hello", region=region, user=user,
                                         data=data, filename="bench.xlsx", config=app.config)
        checked = time.perf_counter()
        if not prepared.ok:
            raise SystemExit("\n".join(str(p) for p in prepared.problems[:10]))
        diff = prepared.diff
        stats = engine.commit_prepared(session, prepared, region, engine.actor_of(user), locked=True)
        done = time.perf_counter()
    return {"seconds": done - start, "check": checked - start, "write": done - checked,
            "audit": stats.audit_seconds,
            "new": len(diff.new), "changed": len(diff.changed), "unchanged": diff.unchanged}


def child_export(args) -> dict:
    from sqlalchemy import select

    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    app = build_app(args.database_url)
    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EMAIL))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        start = time.perf_counter()
        count = engine.export_sheet(session, spec=spec, instrument="hello", region=region, user=user, out=args.file)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": count}


def child_write(args) -> dict:
    import xlsxwriter

    orgs = json.loads(args.orgs)
    rows = [values(i, orgs) for i in range(args.rows)]
    start = time.perf_counter()
    wb = xlsxwriter.Workbook(args.file, {"constant_memory": True})
    ws = wb.add_worksheet("Groeten")
    # the export's number formats: a styled cell costs xlsxwriter about a third more than a bare one
    date = wb.add_format({"num_format": "dd-mm-yyyy"})
    whole = wb.add_format({"num_format": "0"})
    money = wb.add_format({"num_format": "0.00"})
    general = wb.add_format({"num_format": "General"})
    ws.write_row(0, 0, HEADER)
    for r, (org, year, text, sent, answered, budget, sent_on, public) in enumerate(rows, start=1):
        ws.write_string(r, 0, org)
        ws.write_string(r, 1, year)
        ws.write_string(r, 2, text)
        ws.write_number(r, 3, sent, whole)
        ws.write_number(r, 4, answered, whole)
        ws.write_number(r, 5, budget, money)
        ws.write_datetime(r, 6, sent_on, date)
        ws.write_string(r, 7, "ja" if public else "nee")
        if sent:  # the export's computed column (Antwoordpercentage): the same cells as the export writes
            ws.write_number(r, 11, round(100 * answered / sent, 1), general)
    wb.close()
    return {"seconds": time.perf_counter() - start}


CHILDREN = {"parse": child_parse, "insert": child_insert, "import": child_import, "reimport": child_import,
            "export": child_export, "write": child_write}


def run_child(kind: str, **options) -> dict:
    command = [sys.executable, __file__, "--child", kind]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_answers(url: str) -> bool:
    """True when `url` can be used; its database is created when the server answers but lacks it."""
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
        return True
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            return False
    base, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


def best(results: list[dict]) -> dict:
    """The fastest of several runs of one measurement, with the highest peak memory of them all."""
    fastest = dict(min(results, key=lambda r: r["seconds"]))
    fastest["peak_mb"] = max(r["peak_mb"] for r in results)
    return fastest


def bench_database(label: str, url: str, sheet: Path, rows: int, tmp: Path, runs: int) -> None:
    orgs = prepare_database(url)
    common = {"database_url": url, "rows": rows, "orgs": json.dumps(orgs)}
    measured: dict[str, list[dict]] = {k: [] for k in ("parse", "insert", "import", "write", "export")}
    for _ in range(runs):  # interleaved, so a busy moment of the machine does not hit one figure only
        measured["parse"].append(run_child("parse", file=sheet, **common))
        measured["insert"].append(run_child("insert", **common))
        measured["import"].append(run_child("import", file=sheet, **common))  # each starts from an empty table
        measured["write"].append(run_child("write", file=tmp / "floor.xlsx", **common))
        measured["export"].append(run_child("export", file=tmp / "export.xlsx", **common))
    again = best([run_child("reimport", file=sheet, **common) for _ in range(runs)])
    parse, insert, first, write, export = (best(measured[k]) for k in ("parse", "insert", "import", "write", "export"))
    floor = parse["seconds"] + insert["seconds"]
    print(f"\n== {label} ==  (each figure the fastest of {runs} runs; peak memory the highest)")
    print(f"floors   parse {parse['seconds']:6.2f} s ({parse['peak_mb']:4.0f} MB)   "
          f"insert {insert['seconds']:6.2f} s ({insert['peak_mb']:4.0f} MB)   "
          f"write {write['seconds']:6.2f} s ({write['peak_mb']:4.0f} MB)")
    print(f"import   {first['seconds']:6.2f} s  peak {first['peak_mb']:4.0f} MB   "
          f"= {first['seconds'] / floor:.1f}x parse+insert floor ({floor:.2f} s)   "
          f"target <= 3.0x, < 250 MB: {'ok' if first['seconds'] <= 3 * floor and first['peak_mb'] < 250 else 'MISSED'}")
    data_path = first["seconds"] - first["audit"]
    print(f"         check+parse+validate+diff {first['check']:.2f} s; insert+commit {first['write'] - first['audit']:.2f} s;"
          f" audit log {first['audit']:.2f} s ({first['new']} rows in hash-chained bulk entries,"
          f" which the floor does not write)"
          f"   without the audit log: {data_path:.2f} s = {data_path / floor:.1f}x")
    print(f"again    {again['seconds']:6.2f} s  peak {again['peak_mb']:4.0f} MB   "
          f"({again['new']} new, {again['changed']} changed, {again['unchanged']} unchanged)   "
          f"target < 250 MB: {'ok' if again['peak_mb'] < 250 else 'MISSED'}")
    print(f"export   {export['seconds']:6.2f} s  peak {export['peak_mb']:4.0f} MB   "
          f"({export['rows']} rows)   = {export['seconds'] / write['seconds']:.2f}x write floor   "
          f"target <= 1.5x: {'ok' if export['seconds'] <= 1.5 * write['seconds'] else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: " + DEFAULT_PG + ")")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the fastest is shown")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--orgs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.kind = args.child
        result = CHILDREN[args.child](args)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return
    tmp = Path(tempfile.mkdtemp())
    os.environ["INSTANCE_PATH"] = str(tmp)
    sheet = tmp / "sheet.xlsx"
    orgs_for_file = prepare_database(f"sqlite:///{tmp}/probe.db")
    start = time.perf_counter()
    make_sheet(sheet, args.rows, orgs_for_file)
    print(f"sheet: {args.rows:,} rows x {len(HEADER)} columns, {sheet.stat().st_size / 1e6:.1f} MB "
          f"(written in {time.perf_counter() - start:.1f} s); machine: {os.cpu_count()} cores")
    bench_database("SQLite", f"sqlite:///{tmp}/bench.db", sheet, args.rows, tmp, args.runs)
    pg = args.database_url or DEFAULT_PG
    if args.no_postgres:
        return
    if postgres_answers(pg):
        bench_database(f"PostgreSQL ({pg})", pg, sheet, args.rows, tmp, args.runs)
    else:
        print(f"\n== PostgreSQL at {pg} does not answer: skipped ==")


if __name__ == "__main__":
    main()
