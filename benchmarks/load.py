"""Load benchmark: the main pages under gunicorn and wrk, next to two floors measured in the same run.

Run:  .venv/bin/python benchmarks/load.py [--workers 2,4] [--duration S] [--multiply 100]
                                          [--databases sqlite,postgresql] [--postgresql URL] [--pages NAME,...]

Every database (SQLite; PostgreSQL when one answers at --postgresql, default
postgresql://postgres@127.0.0.1:5432/regio_bench_load, created when missing, its schema dropped and
recreated) is set up once, all of them at the same time before anything is measured (one process each): the
demo (real regions, demo accounts), optionally with `--multiply N` times its rows (the statement-count test's
bulk copies, tests/core/perf/bulk.py), then ANALYZE. Then for each database and number of sync workers the
app is served by gunicorn with the repository's configuration (core/operations/gunicorn_conf.py, as
`regio serve`; worker restarts after N requests off; one server per database that is given more workers with
gunicorn's TTIN for the next, larger number, measured once every worker has answered) and every main page is
driven by wrk (Debian's package,
installed with apt-get where missing) on 127.0.0.1 at 16 connections for --duration seconds (default 2, and 5 with
--multiply: a window must hold enough answers of a slower page), signed in as the
demo account that uses the page (sign-in through the form with its CSRF token and, where the account has one,
its two-factor code). Printed per page: requests per second, p50 and p99, next to two floors of the same
server in the same run:

* trivial: a view of the same app that answers "ok" (routing, the request hooks, no page, no statement);
* same SQL: a view that runs exactly the statements one request of the page ran (captured with a SQLAlchemy
  event listener on a signed-in request of the same session), through the app's engine, without rendering.

Both floor views exist only in this benchmark's app (`server_app` below), never in the product.
Targets (issue 21): every page at >= 0.5x its same-SQL floor, p99 < 100 ms at 16 connections.
The machine is shared: figures of one run are comparable with each other, not with another run's.
At the end the run says where its time went (set-up, servers starting, sign-in and capture, the wrk windows,
waiting for the workers to be idle between windows, the rest).
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
from contextlib import contextmanager
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
    ("kwaliteitsagenda", COORDINATOR, f"{REGION}/kwaliteitsagenda/"),
    ("beheer", ADMIN, "/beheer/"),
    ("beheer-audit", ADMIN, "/beheer/audit"),
]
CONNECTIONS = 16
TRIVIAL = "/_load/trivial"
SAME_SQL = "/_load/sql/"
WORKER = "/_load/worker"  # answers with the worker's process id: every worker booted (wait_for_workers)
DURATION, DURATION_MULTIPLIED = 2, 5  # default seconds of wrk per window: at demo size, with --multiply


class Clock:
    """Where the run's time goes: seconds per phase (`with CLOCK.phase(name):`), printed at the end."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.spent: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.monotonic() - started

    def summary(self) -> str:
        total = time.monotonic() - self.started
        parts = [*self.spent.items(), ("the rest (checks, printing)", total - sum(self.spent.values()))]
        return f"Total {total:.0f} s: " + "; ".join(f"{name} {seconds:.0f} s" for name, seconds in parts)


CLOCK = Clock()


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

    @public
    def worker():
        time.sleep(0.05)  # long enough for concurrent requests to reach different workers
        return str(os.getpid())

    app.add_url_rule(TRIVIAL, "load_trivial", trivial)
    app.add_url_rule(WORKER, "load_worker", worker)
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
    with engine.connect() as conn:  # the planner's statistics of the tables as they will be read
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    app.extensions["regioplatform.db"].dispose()


def _prepare_timed(url: str, instance: Path, factor: int) -> float:
    started = time.monotonic()
    prepare(url, instance, factor)
    return time.monotonic() - started


def prepare_all(targets: dict[str, tuple[str, Path]], factor: int) -> dict[str, float]:
    """Set up every database at once, one process each (they share nothing: own database, own instance
    folder), before anything is measured; label -> seconds it took."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(len(targets), mp_context=get_context("spawn")) as pool:
        futures = {label: pool.submit(_prepare_timed, url, instance, factor)
                   for label, (url, instance) in targets.items()}
        return {label: future.result() for label, future in futures.items()}


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


def wait_for_workers(base: str, workers: int, timeout: float = 120) -> None:
    """Until `workers` different worker processes have answered (each booted the app), or give up."""
    from concurrent.futures import ThreadPoolExecutor

    def pid(_):
        with urllib.request.urlopen(base + WORKER, timeout=30) as response:
            return response.read()

    seen: set[bytes] = set()
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(2 * workers) as pool:
        while len(seen) < workers:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(seen)} of {workers} gunicorn workers answered within {timeout:.0f} s")
            seen.update(pool.map(pid, range(2 * workers)))


STOPPING: list = []  # servers told to stop whose processes may still be ending (settle() waits for them)


def stop_server(process, wait: bool = True) -> None:
    """Quick shutdown (QUIT: nothing is in flight when the run stops a server, no grace period to wait for).
    wait=False: return at once; the next `settle()` waits for the processes to end (while another server boots)."""
    os.killpg(process.pid, signal.SIGQUIT)
    STOPPING.append(process)
    if wait:
        settle()


def settle() -> None:
    """Wait until every server told to stop has ended: nothing of it runs while the next window is measured."""
    while STOPPING:
        process = STOPPING.pop()
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
    with CLOCK.phase("wrk windows"):
        out = subprocess.run([wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "30s",
                              "--latency",
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

    with CLOCK.phase("waiting for idle workers"), ThreadPoolExecutor(workers) as pool:
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


def bench_database(label: str, url: str, instance: Path, args, wrk: str, tmp: Path, pages: list) -> None:
    """Every number of workers on one database (set up by prepare_all)."""
    from pages import sign_in

    replay_file = tmp / f"{label}-replay.pickle"
    replay_file.write_bytes(pickle.dumps({}))
    log = tmp / f"{label}-gunicorn.log"
    browsers, counts = {}, {}
    process = base = None
    try:
        for workers in args.workers:
            with CLOCK.phase("servers starting and stopping"):
                if process is not None and workers > running:  # the same server, more workers (gunicorn TTIN)
                    for more in range(running + 1, workers + 1):  # one at a time: two signals may arrive as one
                        os.kill(process.pid, signal.SIGTTIN)
                        wait_for_workers(base, more)
                else:
                    if process is not None:
                        stop_server(process, wait=False)
                    process, base = start_server(url, instance, workers, replay_file, log)
                running = workers
                wait_for_workers(base, workers)
                settle()  # the previous server (of this database or the one before) has ended
            if not browsers:  # sign in once per database: the sessions live in it, every server accepts them
                with CLOCK.phase("sign-in and capture"):
                    for account in sorted({account for _n, account, _p in pages}):
                        browsers[account] = sign_in(base, account)
                    counts = capture(url, instance, {a: b.cookies for a, b in browsers.items()}, pages,
                                     replay_file)
            else:
                for account, browser in browsers.items():
                    browser.connection = type(browser.connection)("127.0.0.1", int(base.rsplit(":", 1)[1]))
            drain(base, workers, repeat=4)  # every worker warm
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
                drain(base, workers)  # what the previous window left queued is answered first
                floor = drive(wrk, base + SAME_SQL + name, "", args.duration)
                # the floor's leftovers answered, then each worker's first requests of the page (not measured)
                drain(base, workers, path, cookie, repeat=2)
                page = drive(wrk, base + path, cookie, args.duration)
                check_page(browser, path)
                print(line(name, counts[name], page, floor, trivial), flush=True)
    finally:
        if process is not None:  # ends while the next database's server boots (or main() waits for it)
            stop_server(process, wait=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="2,4", help="sync worker counts, comma-separated")
    parser.add_argument("--duration", type=int, default=None,
                        help=f"seconds of wrk per page and floor (default {DURATION}; {DURATION_MULTIPLIED} with "
                             f"--multiply)")
    parser.add_argument("--multiply", type=int, default=1, help="load N times the demo's rows (e.g. 100)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default=DEFAULT_PG, help="PostgreSQL URL (its schema is replaced)")
    parser.add_argument("--pages", default="", help="only these pages (names as printed), comma-separated")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    if args.duration is None:
        args.duration = DURATION_MULTIPLIED if args.multiply > 1 else DURATION
    wanted = set(filter(None, args.pages.split(",")))
    pages = [p for p in PAGES if not wanted or p[0] in wanted]

    from excel import postgres_answers

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers (finally) when stopped
    wrk = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="regio-load-"))
    targets = {}
    for label in args.databases.split(","):
        if label == "sqlite":
            targets[label] = (f"sqlite:///{tmp}/load.db", tmp / label)
        elif label == "postgresql":
            if postgres_answers(args.postgresql):
                targets[label] = (args.postgresql, tmp / label)
            else:
                print(f"\n== postgresql: no server answers at {args.postgresql}; skipped")
    for _url, instance in targets.values():
        instance.mkdir()
    with CLOCK.phase("set-up"):
        took = prepare_all(targets, args.multiply)
    print(f"\nSet up at the same time (demo{f' x {args.multiply} rows' if args.multiply > 1 else ''}): "
          + ", ".join(f"{label} {seconds:.0f} s" for label, seconds in took.items()), flush=True)
    try:
        for label, (url, instance) in targets.items():
            bench_database(label, url, instance, args, wrk, tmp, pages)
    finally:
        settle()
    print(f"\n{CLOCK.summary()}; gunicorn logs in {tmp}")

if __name__ == "__main__":
    main()
