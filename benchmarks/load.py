"""Load benchmark: the main pages under gunicorn and wrk, next to two floors measured in the same run.

Run:  .venv/bin/python benchmarks/load.py [--workers 2,4] [--duration 2] [--multiply 100]
                                          [--databases sqlite,postgresql] [--postgresql URL] [--pages NAME,...]

For each database (SQLite; PostgreSQL when one answers at --postgresql, default
postgresql://postgres@127.0.0.1:5432/regio_bench_load, created when missing, its schema dropped and
recreated) the demo is loaded (real regions, demo accounts), optionally with `--multiply N` times its rows
(the statement-count test's bulk copies, tests/core/perf/bulk.py). Then for each number of sync workers the
app is served by gunicorn with the repository's configuration (core/operations/gunicorn_conf.py, as
`regio serve`; worker restarts after N requests off) and every main page is driven by wrk (Debian's package,
installed with apt-get where missing) on 127.0.0.1 at 16 connections for --duration seconds, signed in as the
demo account that uses the page (sign-in through the form with its CSRF token and, where the account has one,
its two-factor code). Printed per page: requests per second, p50 and p99, next to two floors of the same
server in the same run:

* trivial: a view of the same app that answers "ok" (routing, the request hooks, no page, no statement);
* same SQL: a view that runs exactly the statements one request of the page ran (captured with a SQLAlchemy
  event listener on a signed-in request of the same session), through the app's engine, without rendering.

Both floor views exist only in this benchmark's app (`server_app` below), never in the product.
Targets (issue 21): every page at >= 0.5x its same-SQL floor, p99 < 100 ms at 16 connections.
The machine is shared: figures of one run are comparable with each other, not with another run's.
"""
from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # first: benchmarks/core.py must not hide the core package

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/regio_bench_load"
REGION = "/regio/rmc-19"
COORDINATOR, EDITOR, ADMIN = "coordinator.utrecht", "invoer.gemeente-utrecht", "beheerder"
# (name, demo account, address)
PAGES = [
    ("start", EDITOR, "/"),
    ("regio", COORDINATOR, f"{REGION}/"),
    ("afspraken", COORDINATOR, f"{REGION}/afspraken/"),
    ("vsv", COORDINATOR, f"{REGION}/vsv/"),
    ("vsv-cijfers", COORDINATOR, f"{REGION}/vsv/cijfers"),
    ("vsv-cijfers-alle", COORDINATOR, f"{REGION}/vsv/cijfers?schooljaar=alle"),
    ("rif", COORDINATOR, f"{REGION}/rif/"),
    ("rif-overzicht", COORDINATOR, f"{REGION}/rif/overzicht"),
    ("stagepact", COORDINATOR, f"{REGION}/stagepact/"),
    ("kj", COORDINATOR, f"{REGION}/kwetsbare_jongeren/"),
    ("beheer", ADMIN, "/beheer/"),
    ("beheer-audit", ADMIN, "/beheer/audit"),
]
CONNECTIONS = 16
TRIVIAL = "/_load/trivial"
SAME_SQL = "/_load/sql/"


# --- the benchmark's app (in each gunicorn worker) -----------------------------------------------------

def server_app():
    """The product's app from the environment (as `regio serve` builds it) plus the two floor views."""
    from core import create_app

    app = create_app()
    add_floor_views(app, Path(os.environ["LOAD_REPLAY_FILE"]))
    return app


def add_floor_views(app, replay_file: Path) -> None:
    """The trivial view and the same-SQL view (public: no sign-in, no authorization call)."""
    from core.security import public

    engine = app.extensions["regioplatform.db"].engine
    replays: dict[str, list] = {}

    @public
    def trivial():
        return "ok"

    @public
    def same_sql(name: str):
        if name not in replays:  # written by the parent after the server started; read once per worker
            replays.update(pickle.loads(replay_file.read_bytes()))
        with engine.connect() as conn:
            for statement, parameters in replays[name]:
                result = conn.exec_driver_sql(statement, parameters)
                if result.returns_rows:
                    result.fetchall()
            conn.commit()
        return "ok"

    app.add_url_rule(TRIVIAL, "load_trivial", trivial)
    app.add_url_rule(SAME_SQL + "<name>", "load_same_sql", same_sql)


# --- set-up (parent) ---------------------------------------------------------------------------------

def config(url: str, instance: Path) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET, "REGIONS_DIR": str(ROOT / "regions"),
            "LOGIN_LIMIT": "100000 per minute", "INSTANCE_PATH": str(instance)}


def make_app(url: str, instance: Path):
    from core import create_app

    settings = config(url, instance)
    os.environ["INSTANCE_PATH"] = settings.pop("INSTANCE_PATH")
    return create_app(settings)


def prepare(url: str, instance: Path, factor: int) -> None:
    """A fresh schema with the demo, and `factor` times its rows when factor > 1."""
    from sqlalchemy import text

    from core import migrate
    from core.db import db_session
    from core.demo import load_demo

    app = make_app(url, instance)
    engine = app.extensions["regioplatform.db"].engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with app.app_context():
        migrate.upgrade(app)
        load_demo(db_session(), app)
    if factor > 1:
        from tests import plugin_matrix
        from tests.core.perf.bulk import multiply

        multiply(app, plugin_matrix.matrix_modules(), factor)
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    app.extensions["regioplatform.db"].dispose()


def capture(url: str, instance: Path, cookies: dict, pages: list, replay_file: Path) -> dict[str, int]:
    """Run one request of every page in this process with the signed-in sessions' cookies; store each page's
    statements (the second request's, the first warms the process) for the same-SQL view. Returns the counts."""
    from sqlalchemy import event

    import logging

    app = make_app(url, instance)
    logging.getLogger("regioplatform.request").setLevel(logging.WARNING)  # no line per captured request
    engine = app.extensions["regioplatform.db"].engine
    replays, seen = {}, []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    for name, account, path in pages:
        client = app.test_client()
        for key, value in cookies[account].items():
            client.set_cookie(key, value)
        client.get(path)
        event.listen(engine, "before_cursor_execute", before)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", before)
        if status != 200:
            raise SystemExit(f"{path} answered {status} in the capture")
        replays[name], seen = list(seen), []
    replay_file.write_bytes(pickle.dumps(replays))
    app.extensions["regioplatform.db"].dispose()
    return {name: len(statements) for name, statements in replays.items()}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("Installing wrk (Debian's package) ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, instance: Path, workers: int, replay_file: Path, log: Path):
    """gunicorn with the repository's configuration and `workers` sync workers; (process, base URL)."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix="regio-load-metrics-")
    env = {**os.environ, **{k: v for k, v in config(url, instance).items()}, "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": str(workers), "GUNICORN_ACCESS_LOG": "", "GUNICORN_MAX_REQUESTS": "0",
           "PROMETHEUS_MULTIPROC_DIR": metrics, "LOAD_REPLAY_FILE": str(replay_file),
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")])}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:core.operations.gunicorn_conf",
                                "load:server_app()"], cwd=ROOT, env=env, stdout=log.open("ab"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until a worker answers (the port is open before the workers boot)
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ended ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(base + TRIVIAL, timeout=5) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"gunicorn did not answer within 120 s; see {log}")


def stop_server(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- measuring ---------------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def drive(wrk: str, url: str, cookie: str, duration: int) -> dict:
    """wrk at CONNECTIONS connections for `duration` seconds: requests/s, p50 and p99 in ms, bad answers."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run([wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "30s", "--latency",
                          *headers, url],
                         capture_output=True, text=True, check=True).stdout
    percentile = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.M))
    if "50" not in percentile or "99" not in percentile:
        raise SystemExit(f"wrk gave no latency distribution for {url}:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(percentile["50"]), "p99": _ms(percentile["99"]),
            "bad": int(bad.group(1)) if bad else 0, "errors": errors.group(1) if errors else ""}


def drain(base: str, workers: int, path: str = TRIVIAL, cookie: str = "", repeat: int = 1) -> None:
    """Wait until the requests wrk left behind are done: sync workers still answer the ones queued when it
    stopped, which would otherwise be counted against the next measurement. `repeat` requests of `path` per
    worker, `workers` at a time, return only when the queue in front of them is empty (with a page's path:
    each worker's first requests of it, which compile its templates, are not measured)."""
    from concurrent.futures import ThreadPoolExecutor

    def get(_):
        request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, range(workers * repeat)))


def check_page(browser, path: str) -> None:
    """The signed-in session still gets the page itself (wrk would count a redirect to sign-in as an answer)."""
    status = browser.get(path)[0]
    if status != 200:
        raise SystemExit(f"{path} answered {status}: the benchmark's session is not signed in")


def line(name: str, count, page: dict, floor: dict | None, trivial: dict) -> str:
    def cell(r):
        return f"{r['rps']:>8.0f}{r['p50']:>8.1f}{r['p99']:>8.1f}"

    ratio = f"{page['rps'] / max(floor['rps'], 1e-9):>6.2f}x" if floor else f"{'':>7}"
    note = " bad answers: %d" % page["bad"] if page["bad"] else ""
    note += f" socket errors: {page['errors']}" if page["errors"] else ""
    return (f"{name:<18}{count if count is not None else '':>6}{cell(page)}  {cell(floor) if floor else ' ' * 24}"
            f"{ratio}{page['rps'] / max(trivial['rps'], 1e-9):>8.3f}x  {'ok' if _ok(page, floor) else 'NO'}{note}")


def _ok(page: dict, floor: dict | None) -> bool:
    return not page["bad"] and page["p99"] < 100 and (floor is None or page["rps"] >= 0.5 * floor["rps"])


def bench_database(label: str, url: str, args, wrk: str, tmp: Path, pages: list) -> None:
    from pages import sign_in

    instance = tmp / label
    instance.mkdir()
    started = time.monotonic()
    prepare(url, instance, args.multiply)
    print(f"\n== {label}: demo{f' x {args.multiply} rows' if args.multiply > 1 else ''} loaded in "
          f"{time.monotonic() - started:.0f} s", flush=True)
    replay_file = tmp / f"{label}-replay.pickle"
    replay_file.write_bytes(pickle.dumps({}))
    log = tmp / f"{label}-gunicorn.log"
    browsers, counts = {}, {}
    for workers in args.workers:
        process, base = start_server(url, instance, workers, replay_file, log)
        try:
            if not browsers:  # sign in once per database: the sessions live in it, every server accepts them
                for account in sorted({account for _n, account, _p in pages}):
                    browsers[account] = sign_in(base, account)
                counts = capture(url, instance, {a: b.cookies for a, b in browsers.items()}, pages, replay_file)
            else:
                for account, browser in browsers.items():
                    browser.connection = type(browser.connection)("127.0.0.1", int(base.rsplit(":", 1)[1]))
            drain(base, workers, repeat=4)  # every worker booted and warm
            trivial = drive(wrk, base + TRIVIAL, "", args.duration)
            print(f"\n{label}, {workers} sync workers, wrk {CONNECTIONS} connections x {args.duration:g} s; "
                  f"ms; x = req/s over the same-SQL floor / over the trivial floor")
            print(f"{'page':<18}{'stmts':>6}{'req/s':>8}{'p50':>8}{'p99':>8}  {'SQL req/s':>8}{'p50':>8}{'p99':>8}"
                  f"{'x SQL':>7}{'x triv':>9}  ok")
            print(line("trivial floor", 0, trivial, None, trivial), flush=True)
            for name, account, path in pages:
                browser = browsers[account]
                cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
                check_page(browser, path)
                drain(base, workers, path, cookie, repeat=2)  # each worker's first requests of the page
                floor = drive(wrk, base + SAME_SQL + name, "", args.duration)
                drain(base, workers)
                page = drive(wrk, base + path, cookie, args.duration)
                drain(base, workers)
                check_page(browser, path)
                print(line(name, counts[name], page, floor, trivial), flush=True)
        finally:
            stop_server(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="2,4", help="sync worker counts, comma-separated")
    parser.add_argument("--duration", type=int, default=2, help="seconds of wrk per page and floor")
    parser.add_argument("--multiply", type=int, default=1, help="load N times the demo's rows (e.g. 100)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default=DEFAULT_PG, help="PostgreSQL URL (its schema is replaced)")
    parser.add_argument("--pages", default="", help="only these pages (names as printed), comma-separated")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    wanted = set(filter(None, args.pages.split(",")))
    pages = [p for p in PAGES if not wanted or p[0] in wanted]

    from excel import postgres_answers

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers (finally) when stopped
    wrk = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="regio-load-"))
    started = time.monotonic()
    for label in args.databases.split(","):
        if label == "sqlite":
            bench_database(label, f"sqlite:///{tmp}/load.db", args, wrk, tmp, pages)
        elif label == "postgresql":
            if postgres_answers(args.postgresql):
                bench_database(label, args.postgresql, args, wrk, tmp, pages)
            else:
                print(f"\n== postgresql: no server answers at {args.postgresql}; skipped")
    print(f"\nTotal {time.monotonic() - started:.0f} s; gunicorn logs in {tmp}")


if __name__ == "__main__":
    main()
