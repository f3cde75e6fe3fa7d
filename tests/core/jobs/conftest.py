"""Helpers for the job tests: an app whose Excel work always runs as a job, and a real RQ worker.

Without Redis the jobs run inline (the embedded default); `rq_worker` gives a
running worker process (tests/core/jobs/worker_process.py): the one .ci/run
started (REGIO_TEST_JOBS_QUEUE), or one started for the test module; it skips,
saying why, where Redis does not answer (TEST_REDIS_URL).
"""
from __future__ import annotations

import json
import os
import signal
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from core.testing import login, make_user
from tests import services
from tests.core.excel.conftest import EDITOR

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
EXTERNAL_QUEUE = os.environ.get("REGIO_TEST_JOBS_QUEUE", "")  # the worker .ci/run started
ALWAYS_A_JOB = {"JOBS_UPLOAD_MIN_BYTES": 0, "JOBS_CONFIRM_MIN_ROWS": 0, "JOBS_EXPORT_MIN_ROWS": 0}
URL = "/regio/rmc-19/hello/excel/hello-groeten/"


def job_url(response) -> str:
    """The job page a response redirects to."""
    location = response.headers["Location"]
    assert re.search(r"/taak/[^/]+/$", location), location
    return location


def wait_for(predicate, what: str, seconds: float = 60):
    """Wait until `predicate()` is true (a job on a worker ends when it ends); fail naming `what`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting {seconds:.0f} s for {what}")


def job_row(app, token: str):
    from sqlalchemy import select

    from core.db import db_session
    from core.jobs.models import BackgroundJob

    with app.app_context():
        job = db_session().scalar(select(BackgroundJob).where(BackgroundJob.token == token))
        db_session().expunge(job)
        return job


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def inline_app(app_factory):
    """No REDIS_URL: every upload, confirm and export runs as a job, inline."""
    return app_factory(**ALWAYS_A_JOB)


@pytest.fixture
def editor_of(request):
    """A signed-in client of the editor of GM0344 in rmc-19, for an app."""

    def make(app):
        make_user(app, EDITOR, org="GM0344", role="editor")
        client = app.test_client()
        assert login(client, EDITOR).status_code == 302
        return client

    return make


@pytest.fixture(scope="module")
def rq_worker(tmp_path_factory):
    """The name of a queue a real RQ worker process works: .ci/run's, or one started for this module."""
    services.redis_or_skip(REDIS_URL, "background jobs on a real RQ worker")
    if EXTERNAL_QUEUE:
        yield EXTERNAL_QUEUE
        return
    queue = f"regio-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.core.jobs.worker_process"], cwd=ROOT,
                                   env={**os.environ, "REDIS_URL": REDIS_URL, "JOBS_QUEUE": queue},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield queue
    finally:
        # A warm shutdown waits out RQ's blocking dequeue (it took 15 s a run); the worker is this module's
        # own and holds nothing a test still needs, so its whole process group goes after a short grace.
        process.terminate()
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def worker_app(app_factory, rq_worker):
    """An app whose Excel work always runs as a job on the real worker, which uses this app's database."""

    def make(**overrides):
        app = app_factory(REDIS_URL=REDIS_URL, JOBS_QUEUE=rq_worker, **ALWAYS_A_JOB, **overrides)
        shared = {"DATABASE_URL": app.config["DATABASE_URL"], **overrides}
        services.redis_or_skip(REDIS_URL).set(f"{rq_worker}:config", json.dumps(shared))
        return app

    return make
