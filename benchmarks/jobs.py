"""Background jobs benchmark: 100,000- and 1,000,000-row imports as jobs on an RQ worker, PostgreSQL and Redis.

Run:  .venv/bin/python benchmarks/jobs.py [--rows 100000,1000000] [--database-url URL] [--redis-url URL]

For each size, a sheet of the test plugin's "hello-groeten" (as benchmarks/excel.py
writes it) is uploaded through the web app as a job and then confirmed as a
job, both run by a real RQ worker (core.jobs.worker.run, as `regio worker`,
started fresh for each size). The row and size limits are raised by
configuration for the large file (EXCEL_MAX_ROWS, MAX_UPLOAD_MB, ...).
Printed per size, next to the floors of the Excel benchmark measured in the
same run (python-calamine walking the file + one executemany of the typed
rows):

* wall time from the upload's request to the confirm's end, and rows per second;
* the worker's peak memory: the largest work horse RSS (getrusage of the
  worker's reaped children), interpreter and libraries included;
* web requests while it runs: a probe asks a separate app server process for
  the region page every 100 ms; the slowest answer and how many took over 1 s.

Targets: 1,000,000 rows within 11x the 100,000-row time; worker peak under
250 MB at 100,000 rows and under 1 GB at 1,000,000; no web request over 1 s.
The database (default postgresql://postgres@127.0.0.1:5432/regio_bench_jobs)
is created when missing and its schema dropped and recreated.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import excel as excel_bench  # noqa: E402  (the Excel benchmark's sheet, database set-up and floors)

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/regio_bench_jobs"
PASSWORD = "bench-wachtwoord-lang-genoeg-42"
SHEET_URL = "/regio/rmc-19/hello/excel/hello-groeten/"


def settings(redis_url: str, queue: str) -> dict:
    """What every process of the benchmark configures: limits raised for 1,000,000 rows, every upload a job."""
    return {"REDIS_URL": redis_url, "JOBS_QUEUE": queue, "JOBS_UPLOAD_MIN_BYTES": 0, "JOBS_CONFIRM_MIN_ROWS": 0,
            "JOBS_TIMEOUT": 4 * 3600, "MAX_CONTENT_LENGTH": 200 * 1024 * 1024, "EXCEL_MAX_ROWS": 1_100_000,
            "EXCEL_MAX_CELLS": 12_000_000, "EXCEL_MAX_UNCOMPRESSED_MB": 2000, "EXCEL_STAGE_MINUTES": 240,
            "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_LIMIT": "100000 per minute"}


def build_app(url: str, redis_url: str, queue: str):
    from core import create_app
    from tests.plugins.hello import hooks as hello

    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    return create_app({"DATABASE_URL": url, "REGIONS_DIR": str(ROOT / "tests" / "fixtures" / "regions"),
                       "TESTING": True, "WTF_CSRF_ENABLED": False, **settings(redis_url, queue)},
                      extra_plugins=[hello])


# --- the worker and the web server (child processes) ------------------------------------------

def run_worker(args) -> None:
    """An RQ worker like `regio worker`; after each job it stores the largest work horse's peak RSS in Redis."""
    from redis import Redis
    from rq import Worker

    from core.jobs import worker

    redis = Redis.from_url(args.redis_url)
    fork_and_run = Worker.execute_job

    def execute_job(self, job, queue):
        result = fork_and_run(self, job, queue)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        redis.set(f"{args.queue}:peak_kb", peak_kb)
        return result

    Worker.execute_job = execute_job
    instrument(redis, f"{args.queue}:phases")
    worker.run(build_app(args.database_url, args.redis_url, args.queue))


# The steps of the two jobs, timed in the work horse (the worker patches them before it forks one):
# (module, function, label). check_deferred runs inside open_sheet, lock_rows ... write_diff inside
# commit_staged; each step's time is its own (the steps inside it taken off), its peak the work horse's
# largest resident set so far when the step ends (VmHWM), so the step where the peak rises reached it.
STEPS = [("core.excel.engine", "check_workbook", "safety check"),
         ("core.excel.engine", "check_deferred", "sheet size check"),
         ("core.excel.engine", "open_sheet", "open (calamine loads the sheet)"),
         ("core.excel.engine", "validate", "read + validate"),
         ("core.excel.engine", "compute_diff", "diff"),
         ("core.excel.engine", "stage_prepared", "stage + commit"),
         ("core.excel.stage", "load", "load staged"),
         ("core.excel.stage", "diff_of", "decode staged rows"),
         ("core.excel.engine", "lock_rows", "lock rows"),
         ("core.excel.engine", "recheck", "re-check stored rows"),
         ("core.excel.engine", "recheck_rules", "re-check rules"),
         ("core.excel.engine", "write_diff", "write rows + audit"),
         ("core.excel.engine", "commit_staged", "commit")]


def horse_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def instrument(redis, key: str) -> None:
    """Wrap STEPS so that each call pushes {step, seconds, peak_mb} onto the Redis list `key`."""
    import importlib

    inner: list[float] = []  # time spent in nested steps, per open step

    def timed(func, label):
        def step(*args, **kwargs):
            inner.append(0.0)
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                own = spent - inner.pop()
                if inner:
                    inner[-1] += spent
                redis.rpush(key, json.dumps({"step": label, "seconds": own, "peak_mb": horse_peak_mb()}))
        return step

    for module_name, name, label in STEPS:
        module = importlib.import_module(module_name)
        setattr(module, name, timed(getattr(module, name), label))


def run_web(args) -> None:
    """The app on 127.0.0.1 (werkzeug, threaded) in a process of its own; prints its address."""
    from core.testing import serve

    base_url, _stop = serve(build_app(args.database_url, args.redis_url, args.queue))
    print(base_url, flush=True)
    while True:
        time.sleep(3600)


# --- the parent -------------------------------------------------------------------------------

def set_password(url: str, redis_url: str, queue: str) -> None:
    from sqlalchemy import select

    from core.db import db_session
    from core.identity.models import User
    from core.identity.passwords import hash_password

    app = build_app(url, redis_url, queue)
    with app.app_context():
        user = db_session().scalar(select(User).where(User.email == excel_bench.EMAIL))
        user.password_hash = hash_password(PASSWORD)
        db_session().commit()


class Probe(threading.Thread):
    """Asks for the region page every 100 ms as the signed-in bench user; records every answer's time."""

    def __init__(self, base_url: str):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.times: list[float] = []
        self.errors = 0
        self.stopped = threading.Event()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = urllib.parse.urlencode({"email": excel_bench.EMAIL, "password": PASSWORD}).encode()
        self.opener.open(f"{base_url}/inloggen", form, timeout=30).read()
        for _ in range(3):  # warm: templates compiled, connections open
            self.opener.open(f"{base_url}/regio/rmc-19/", timeout=30).read()

    def run(self) -> None:
        while not self.stopped.is_set():
            start = time.perf_counter()
            try:
                with self.opener.open(f"{self.base_url}/regio/rmc-19/", timeout=30) as answer:
                    answer.read()
                    if answer.status != 200 or "/inloggen" in answer.url:
                        self.errors += 1
            except OSError:
                self.errors += 1
            self.times.append(time.perf_counter() - start)
            self.stopped.wait(max(0.0, 0.1 - (time.perf_counter() - start)))


def wait_for_job(app, token: str) -> object:
    from sqlalchemy import select

    from core.db import db_session
    from core.jobs.models import ACTIVE, BackgroundJob

    while True:
        with app.app_context():
            job = db_session().scalar(select(BackgroundJob).where(BackgroundJob.token == token))
            if job.state not in ACTIVE:
                db_session().expunge(job)
                return job
        time.sleep(0.2)


def wait_for_worker(redis_url: str, queue: str) -> None:
    """Until the worker listens on the queue (its start-up is not part of a job's time)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    while not Worker.all(queue=Queue(queue, connection=connection)):
        time.sleep(0.1)


def reaped_peak_mb(redis_url: str, queue: str) -> float:
    """The worker's reaped work horses' peak so far (it is stored just after a job's horse ends)."""
    from redis import Redis

    connection = Redis.from_url(redis_url)
    for _ in range(100):
        value = connection.get(f"{queue}:peak_kb")
        if value is not None:
            return int(value) / 1024
        time.sleep(0.1)
    return 0.0


def start(kind: str, args, queue: str, **extra) -> subprocess.Popen:
    command = [sys.executable, __file__, f"--{kind}", "--database-url", args.database_url, "--redis-url",
               args.redis_url, "--queue", queue]
    return subprocess.Popen(command, stdout=subprocess.PIPE if kind == "web" else subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT, **extra)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def one_size(args, rows: int, tmp: Path, base_url: str, queue: str) -> dict:
    from redis import Redis

    sheet = tmp / f"sheet-{rows}.xlsx"
    excel_bench.make_sheet(sheet, rows, args.orgs)
    floors = {k: excel_bench.run_child(k, file=sheet, database_url=args.database_url, rows=rows,
                                       orgs=json.dumps(args.orgs)) for k in ("parse", "insert")}
    excel_bench.clear(args.app)
    Redis.from_url(args.redis_url).delete(f"{queue}:peak_kb", f"{queue}:phases")
    worker = start("worker", args, queue)  # fresh for each size: its children's peak is this size's
    wait_for_worker(args.redis_url, queue)
    client = args.app.test_client()
    form = {"email": excel_bench.EMAIL, "password": PASSWORD}
    assert client.post("/inloggen", data=form).status_code == 302
    probe = Probe(base_url)
    probe.start()
    try:
        began = time.perf_counter()
        with open(sheet, "rb") as data:
            upload = client.post(SHEET_URL, data={"file": (data, "groeten.xlsx")}, content_type="multipart/form-data")
        job = wait_for_job(args.app, upload.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        if job.state != "done" or not job.result_token:
            raise SystemExit(f"upload job ended {job.state}: {job.message}")
        uploaded = time.perf_counter()
        upload_peak = reaped_peak_mb(args.redis_url, queue)
        confirm = client.post(f"{SHEET_URL}{job.result_token}/bevestigen")
        job = wait_for_job(args.app, confirm.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        if job.state != "done":
            raise SystemExit(f"confirm job ended {job.state}: {job.message}")
        ended = time.perf_counter()
    finally:
        probe.stopped.set()
        probe.join()
        stop(worker)
    redis = Redis.from_url(args.redis_url)
    peak_kb = int(redis.get(f"{queue}:peak_kb") or 0)
    steps = [json.loads(item) for item in redis.lrange(f"{queue}:phases", 0, -1)]
    redis.delete(f"{queue}:phases")
    return {"rows": rows, "written": job.rows_written, "mb": sheet.stat().st_size / 1e6,
            "upload": uploaded - began, "confirm": ended - uploaded, "seconds": ended - began,
            "peak_mb": peak_kb / 1024, "floor": floors["parse"]["seconds"] + floors["insert"]["seconds"],
            "probe_max": max(probe.times), "probe_slow": sum(t > 1 for t in probe.times),
            "probes": len(probe.times), "probe_errors": probe.errors, "steps": steps, "upload_peak_mb": upload_peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000", help="sizes, comma-separated")
    parser.add_argument("--database-url", default=DEFAULT_PG)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument("--queue", default="")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--web", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return run_worker(args)
    if args.web:
        return run_web(args)
    from redis import Redis

    if not excel_bench.postgres_answers(args.database_url):
        raise SystemExit(f"PostgreSQL at {args.database_url} does not answer")
    Redis.from_url(args.redis_url, socket_connect_timeout=2).ping()
    tmp = Path(tempfile.mkdtemp())
    os.environ["INSTANCE_PATH"] = str(tmp)
    queue = args.queue or f"regio-bench-{uuid.uuid4().hex[:8]}"
    args.orgs = excel_bench.prepare_database(args.database_url)
    set_password(args.database_url, args.redis_url, queue)
    args.app = build_app(args.database_url, args.redis_url, queue)
    web = start("web", args, queue)
    base_url = web.stdout.readline().strip()
    print(f"PostgreSQL {args.database_url}, Redis {args.redis_url} (queue {queue}); web probe on {base_url}; "
          f"machine: {os.cpu_count()} cores")
    results = []
    try:
        for rows in (int(r) for r in args.rows.split(",")):
            r = one_size(args, rows, tmp, base_url, queue)
            results.append(r)
            print(f"\n== {rows:,} rows ({r['mb']:.1f} MB) as jobs ==")
            print(f"wall     {r['seconds']:7.1f} s  (upload job {r['upload']:.1f} s, confirm job {r['confirm']:.1f} s)"
                  f"  {rows / r['seconds']:,.0f} rows/s; {r['written']:,} rows written")
            print(f"floor    {r['floor']:7.1f} s  (parse + insert of the Excel benchmark, same run)"
                  f"  = {r['seconds'] / r['floor']:.1f}x floor")
            limit = 250 if rows <= 100_000 else 1024
            print(f"worker   peak {r['peak_mb']:6.0f} MB  target < {limit} MB: "
                  f"{'ok' if r['peak_mb'] < limit else 'MISSED'}   (upload job {r['upload_peak_mb']:.0f} MB)")
            print("steps    " + "; ".join(f"{s['step']} {s['seconds']:.1f} s (peak {s['peak_mb']:.0f} MB)"
                                          for s in r["steps"]))
            print(f"web      {r['probes']} requests of the region page meanwhile, slowest {r['probe_max']:.2f} s, "
                  f"{r['probe_slow']} over 1 s, {r['probe_errors']} failed: "
                  f"{'ok' if r['probe_slow'] == 0 and r['probe_errors'] == 0 else 'MISSED'}")
    finally:
        stop(web)
    if len(results) == 2:
        small, large = results
        ratio = large["seconds"] / small["seconds"]
        scale = large["rows"] / small["rows"]
        print(f"\nscaling  {large['rows']:,} rows took {ratio:.1f}x the {small['rows']:,}-row time "
              f"(target <= {1.1 * scale:.0f}x: {'ok' if ratio <= 1.1 * scale else 'MISSED'})")


if __name__ == "__main__":
    main()
