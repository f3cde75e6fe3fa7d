"""CPU per request of the main pages, in-process (no server, no network): where rendering time goes.

Run:  .venv/bin/python benchmarks/render_cpu.py [--repeat 30] [--rounds 3] [--pages NAME,...]
                                                [--profile NAME] [--save DIR] [--instance DIR]

Loads the demo (real regions, demo accounts) into a SQLite file under --instance (kept and reused when it
exists), signs in through the login form (CSRF token, two-factor code) as the demo account that uses each
page, and times --rounds rounds of --repeat GETs per page with `time.process_time` after two warm-up
requests (templates compiled, caches filled). Prints CPU milliseconds per request (the fastest round), the
page's size, its SQL statements per request, and the same-SQL floor of benchmarks/load.py measured the same
way: the CPU to run one request's statements through the app's engine without rendering, and the ratio. `--profile NAME` prints a
pyinstrument profile (PyPI, not a dependency) of that page's requests. `--save DIR` writes every page's HTML
with the per-session values (CSRF tokens, CSP nonces) blanked, so two runs can be compared with `diff -r`:
a change that makes pages cheaper must leave them byte for byte the same.

The figures are CPU time of this process only (the database is an in-process SQLite file), so they are
far steadier than wall-clock timings on a shared machine; compare runs, not absolute values.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import SECRET  # noqa: E402  the load benchmark's demo secret and pages
from benchmarks.load import PAGES as LOAD_PAGES  # noqa: E402

PAGES = [page for page in LOAD_PAGES if page[0] != "beheer"]  # its one statement leaves little to render
PER_SESSION = [
    (re.compile(rb'(name="csrf_token"[^>]*value=")[^"]*'), rb"\1"),
    (re.compile(rb'(value=")[^"]*("[^>]*name="csrf_token")'), rb"\1\2"),
    (re.compile(rb'(nonce=")[^"]*'), rb"\1"),
    (re.compile(rb'(<meta name="csrf-token" content=")[^"]*'), rb"\1"),
    (re.compile(rb'chart-\d+-'), rb"chart-N-"),  # a counter of the process's charts
]


def make_app(instance: Path):
    """The demo app on a SQLite file in `instance`: loaded the first time, reused afterwards."""
    import logging
    import os

    from core import create_app
    from core.testing import TEST_CONFIG, demo_app

    instance.mkdir(parents=True, exist_ok=True)
    overrides = {"LOGIN_LIMIT": "100000 per minute"}
    if (instance / "demo.db").exists():
        os.environ["INSTANCE_PATH"] = str(instance)
        from core.config import PROJECT_ROOT

        app = create_app({**TEST_CONFIG, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": True, "TESTING": False,
                          "DATABASE_URL": f"sqlite:///{instance}/demo.db",
                          "REGIONS_DIR": str(PROJECT_ROOT / "regions"), **overrides})
    else:
        app = demo_app(instance, SECRET, **overrides)
    logging.getLogger("regioplatform.request").setLevel(logging.WARNING)  # no log line per request
    return app


def sign_in(app, local: str):
    """A test client signed in as the demo account `local` (the form's CSRF token, the two-factor code)."""
    import pyotp

    from core.demo import DOMAIN, demo_password, demo_totp_secret

    client = app.test_client()
    email = f"{local}@{DOMAIN}"
    forget_last_code(app, email)

    def post(path: str, form: dict):
        page = client.get(path).data
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        return client.post(path, data={**form, "csrf_token": token.group(1).decode() if token else ""})

    response = post("/inloggen", {"email": email, "password": demo_password(SECRET, email)})
    if response.status_code == 302 and "/inloggen/code" in response.headers.get("Location", ""):
        response = post("/inloggen/code", {"code": pyotp.TOTP(demo_totp_secret(SECRET, email)).now()})
    if response.status_code != 302 or "/inloggen" in response.headers.get("Location", ""):
        raise SystemExit(f"{local} could not sign in ({response.status_code})")
    return client


def forget_last_code(app, email: str) -> None:
    """Let the account's current two-factor code be used again (the app refuses a code twice; runs within
    one 30-second step would otherwise fail to sign in)."""
    from sqlalchemy import select

    from core.db import db_session
    from core.identity.models import TotpCredential, User

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == email))
        credential = session.get(TotpCredential, user.id)
        if credential is not None:
            credential.last_step = 0
            session.commit()


def normalised(body: bytes) -> bytes:
    for pattern, replacement in PER_SESSION:
        body = pattern.sub(replacement, body)
    return body


TRIVIAL = "/_cpu/trivial"


def add_trivial_view(app) -> None:
    """benchmarks/load.py's trivial floor: a public view of the same app that answers "ok" (routing, the request
    hooks, no page, no statement); only in this benchmark's app."""
    from core.security import public

    @public
    def trivial():
        return "ok"

    app.add_url_rule(TRIVIAL, "cpu_trivial", trivial)


def same_sql(engine, replay: list, args) -> float:
    """CPU ms to run `replay` (one request's statements) through the app's engine without rendering: the
    same-SQL floor of benchmarks/load.py, in-process (fastest of --rounds rounds of --repeat)."""
    rounds = []
    for _ in range(args.rounds):
        started = time.process_time()
        for _ in range(args.repeat):
            with engine.connect() as conn:
                for statement, parameters in replay:
                    result = conn.exec_driver_sql(statement, parameters)
                    if result.returns_rows:
                        result.fetchall()
                conn.commit()
        rounds.append((time.process_time() - started) / args.repeat * 1000)
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --repeat GETs; the fastest is printed")
    parser.add_argument("--pages", default="", help="only these pages (names as printed), comma-separated")
    parser.add_argument("--profile", default="", help="print a pyinstrument profile of this page")
    parser.add_argument("--save", default="", help="write each page's normalised HTML into this directory")
    parser.add_argument("--instance", default="/tmp/regio-render-cpu", help="where the demo database is kept")
    args = parser.parse_args()
    wanted = set(filter(None, args.pages.split(",")))
    pages = [p for p in PAGES if not wanted or p[0] in wanted]

    app = make_app(Path(args.instance))
    add_trivial_view(app)
    clients = {account: sign_in(app, account) for account in sorted({a for _n, a, _p in pages})}
    save = Path(args.save) if args.save else None
    if save:
        save.mkdir(parents=True, exist_ok=True)
    from sqlalchemy import event

    engine = app.extensions["regioplatform.db"].engine
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, parameters, *rest: statements.append((statement, parameters)))
    print(f"{'page':<18}{'CPU ms/request':>15}{'kB':>8}{'stmts':>7}{'same SQL ms':>12}{'x SQL':>7}")
    total = 0.0
    for name, account, path in [("trivial floor", None, TRIVIAL)] + pages:
        client = clients[account] if account else app.test_client()
        for _ in range(2):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        statements.clear()
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.repeat):
                body = client.get(path).data
            rounds.append((time.process_time() - started) / args.repeat * 1000)
        per_request = min(rounds)  # the least disturbed round: other processes on the machine only add
        total += per_request if account else 0
        per_page = len(statements) / args.repeat / args.rounds
        floor = same_sql(engine, statements[-round(per_page):] if per_page else [], args)
        print(f"{name:<18}{per_request:>15.2f}{len(body) / 1000:>8.1f}{per_page:>7.1f}{floor:>12.2f}"
              f"{floor / per_request:>7.2f}", flush=True)
        if save and account:
            (save / f"{name}.html").write_bytes(normalised(body))
        if args.profile == name:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.repeat):
                client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{'sum':<18}{total:>15.2f}")


if __name__ == "__main__":
    main()
