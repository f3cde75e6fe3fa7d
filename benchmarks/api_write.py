"""JSON API benchmark: a 100,000-row batch written through POST /api/v1/datasets/..., next to the Excel import of
the same rows, in the same run.

Run:  .venv/bin/python benchmarks/api_write.py [--rows N] [--runs N] [--database-url URL] [--no-postgres]

The rows are benchmarks/excel.py's rows of the test plugin's "hello-groeten" sheet, all for one municipality
(Gemeente Utrecht, GM0344): an API token acts for one organisation. The Excel side is that benchmark's import
child (zip/XML safety check, parse, validate, diff, insert, audit, commit) of an .xlsx with the same rows; the
API side sends the same rows as JSON ({"rows": [...]}, decimals as strings, dates as ISO 8601) with the token of
GM0344 through the app's WSGI stack (Flask test client: request parsing, bearer token, authorize(), JSON
decoding, the same validation and write; no socket). A batch above API_JOB_MIN_ROWS (5,000) is written by a
background job, which runs inline here (no REDIS_URL): the 202 answer already holds the job's result, and the
time includes keeping the batch on the job row. Each side starts from an empty table, runs --runs times
(default 3) interleaved in fresh child processes, and the fastest run is shown. Target: API <= 1.5x Excel.
SQLite always; PostgreSQL too when it answers (its schema is dropped and recreated, as in benchmarks/excel.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import excel as xl  # noqa: E402  (the Excel benchmark's sheet, database setup and import child)

ORG = "GM0344"
URL = "/api/v1/datasets/hello/hello-groeten?region=rmc-19"


def batch(rows: int) -> bytes:
    """The JSON body of the batch: the sheet's rows as objects keyed by column key."""
    out = []
    for i in range(rows):
        org, year, text, sent, answered, budget, sent_on, public = xl.values(i, [ORG])
        out.append({"organisation_id": org, "school_year": year, "text": text, "sent": sent, "answered": answered,
                    "budget": f"{budget:.2f}", "sent_on": sent_on.isoformat(), "public": public})
    return json.dumps({"rows": out}).encode()


def child_api(args) -> dict:
    from sqlalchemy import select

    from core.api.tokens import new_token
    from core.db import db_session
    from core.orgs.models import Organisation

    app = xl.build_app(args.database_url)
    xl.clear(app)
    body = batch(args.rows)
    with app.app_context():
        session = db_session()
        org_id = session.scalar(select(Organisation.id).where(Organisation.identifier == ORG))
        _row, secret = new_token(session, organisation_id=org_id, name="Bench", scopes={"hello": "write"},
                                 expires_on=dt.date.today() + dt.timedelta(days=1), created_by_id=None)
        session.commit()
    client = app.test_client()
    start = time.perf_counter()
    response = client.post(URL, data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    seconds = time.perf_counter() - start
    answer = response.get_json() if response.is_json else None
    if response.status_code == 202 and answer["status"] == 200:  # a large batch: a job, inline (no REDIS_URL)
        return {"seconds": seconds, "body_mb": len(body) / 1e6, "as_job": True, **answer["result"]}
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code}: {response.get_data(as_text=True)[:2000]}")
    return {"seconds": seconds, "body_mb": len(body) / 1e6, "as_job": False, **answer}


def run_child(kind: str, **options) -> dict:
    import subprocess

    script = __file__ if kind == "api" else xl.__file__
    command = [sys.executable, script, "--child", kind]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_database(label: str, url: str, sheet: Path, rows: int, runs: int) -> None:
    xl.prepare_database(url)
    common = {"database_url": url, "rows": rows, "orgs": json.dumps([ORG])}
    measured: dict[str, list[dict]] = {"import": [], "api": []}
    for _ in range(runs):  # interleaved, so a busy moment of the machine does not hit one side only
        measured["import"].append(run_child("import", file=sheet, **common))
        measured["api"].append(run_child("api", **common))
    excel, api = (xl.best(measured[k]) for k in ("import", "api"))
    ratio = api["seconds"] / excel["seconds"]
    print(f"\n== {label} ==  (each figure the fastest of {runs} runs; peak memory the highest)")
    print(f"excel import  {excel['seconds']:6.2f} s  peak {excel['peak_mb']:4.0f} MB   ({excel['new']} new)")
    print(f"api write     {api['seconds']:6.2f} s  peak {api['peak_mb']:4.0f} MB   ({api['new']} new, "
          f"{api['body_mb']:.1f} MB of JSON{', as a job (inline)' if api['as_job'] else ''})")
    print(f"ratio         {ratio:.2f}x the Excel import   target <= 1.5x: {'ok' if ratio <= 1.5 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: " + xl.DEFAULT_PG + ")")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the fastest is shown")
    parser.add_argument("--child", choices=["api"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--orgs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child_api(args)
        result["peak_mb"] = xl.peak_mb()
        print(json.dumps(result))
        return
    tmp = Path(tempfile.mkdtemp())
    os.environ["INSTANCE_PATH"] = str(tmp)
    sheet = tmp / "sheet.xlsx"
    start = time.perf_counter()
    xl.make_sheet(sheet, args.rows, [ORG])
    print(f"rows: {args.rows:,} of hello-groeten for {ORG} ({sheet.stat().st_size / 1e6:.1f} MB as .xlsx, written in "
          f"{time.perf_counter() - start:.1f} s); machine: {os.cpu_count()} cores")
    bench_database("SQLite", f"sqlite:///{tmp}/bench.db", sheet, args.rows, args.runs)
    pg = args.database_url or xl.DEFAULT_PG
    if args.no_postgres:
        return
    if xl.postgres_answers(pg):
        bench_database(f"PostgreSQL ({pg})", pg, sheet, args.rows, args.runs)
    else:
        print(f"\n== PostgreSQL at {pg} does not answer: skipped ==")


if __name__ == "__main__":
    main()
