"""Core benchmarks: region files, sign-in, region page.

Run:  .venv/bin/python benchmarks/core.py [--database-url URL]

Each figure is printed next to the floor it is measured against, measured in
the same run on the same machine:

* loading the 40 real region files (parse + validate) vs. bare TOML parsing;
* syncing them into an empty database vs. re-syncing (nothing to change);
* a sign-in through the app vs. one Argon2id verification with the same
  parameters (the hash is the cost the throttle protects);
* the region overview page of the largest region for a member of its RMC.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> float:
    """Median wall time of `fn` over `repeat` runs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from sqlalchemy import select

    from core import create_app, migrate
    from core.db import db_session
    from core.identity.models import Membership, User
    from core.identity.passwords import hash_password
    from core.orgs.models import Organisation
    from core.regions.loader import load_regions
    from core.regions.models import Region
    from core.regions.sync import sync_regions

    tmp = tempfile.mkdtemp()
    os.environ["INSTANCE_PATH"] = tmp
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "LOGIN_LIMIT": "100000 per minute"})
    files = sorted((ROOT / "regions").glob("*.toml"))
    schemas = {k: e.settings_schema for k, e in app.extensions["regioplatform"].entries.items()}
    print(f"database: {app.extensions['regioplatform.db'].engine.dialect.name}; {len(files)} region files")

    floor = timed(lambda: [tomllib.loads(f.read_text()) for f in files], 20)
    full = timed(lambda: load_regions(ROOT / "regions", schemas), 20)
    print(f"region files   parse+validate {full:8.1f} ms   floor (bare TOML parse) {floor:8.1f} ms   ratio {full / floor:4.1f}x")

    with app.app_context():
        migrate.upgrade(app)
        decls = app.extensions["regioplatform.regions"]
        start = time.perf_counter()
        report = sync_regions(db_session(), decls)
        first = (time.perf_counter() - start) * 1000
        again = timed(lambda: sync_regions(db_session(), decls), 5)
        print(f"region sync    first {first:8.1f} ms ({report.changes} changes)   re-sync (no changes) {again:8.1f} ms")

        session = db_session()
        largest = max(session.scalars(select(Region)), key=lambda r: len(r.members))
        org = next(m.organisation for m in largest.members if m.is_coordinator)
        user = User(email="bench@example.nl", name="Bench", password_hash=hash_password("benchmark-password-1"))
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, organisation_id=org.id, role="viewer"))  # no two-factor step
        session.commit()
        stored = user.password_hash

    ph = PasswordHasher(time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"])
    hash_floor = timed(lambda: ph.verify(stored, "benchmark-password-1"), 10)
    client = app.test_client()

    def sign_in():
        client.post("/uitloggen")
        response = client.post("/inloggen", data={"email": "bench@example.nl", "password": "benchmark-password-1"})
        assert response.status_code == 302, response.status_code

    login_ms = timed(sign_in, 10)
    print(f"sign-in        through the app {login_ms:8.1f} ms   floor (one Argon2id verify) {hash_floor:8.1f} ms"
          f"   overhead {login_ms - hash_floor:6.1f} ms")

    page = f"/regio/{largest.slug}/"

    def overview():
        assert client.get(page).status_code == 200

    print(f"region page    {page} ({len(largest.members)} members) {timed(overview, 20):8.1f} ms")


if __name__ == "__main__":
    main()
