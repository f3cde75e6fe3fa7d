"""`regio worker`: an RQ worker with the app's configuration from the environment."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from core.testing import TEST_CONFIG
from tests import services

from .conftest import REDIS_URL, ROOT

REGIO = str(Path(sys.executable).with_name("regio"))


def _regio_env(tmp_path, **settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "DATABASE_URL", "JOBS_", "MAIL_"))}
    return {**env, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": TEST_CONFIG["SECRET_KEY"], **settings}


def test_without_redis_the_worker_says_it_is_not_needed(tmp_path):
    done = subprocess.run([REGIO, "worker", "--burst"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=_regio_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/leeg.db"))
    assert done.returncode == 2
    assert "REDIS_URL is niet ingesteld: taken lopen dan direct in de app" in done.stderr


def test_the_worker_runs_queued_mail_with_the_configured_mail_server(app_factory, tmp_path):
    from core.db import db_session
    from core.mail import OutboxMessage, commit_and_deliver, queue_mail

    services.redis_or_skip(REDIS_URL, "regio worker")
    queue = f"regio-test-{uuid.uuid4().hex[:8]}"
    app = app_factory(REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, MAIL_SERVER="127.0.0.1", MAIL_PORT=1,
                      JOBS_MAIL_RETRIES=0)
    with app.test_request_context():
        session = db_session()
        message = queue_mail(session, ["iemand@example.nl"], "Welkom", "Hallo")
        commit_and_deliver(session)  # a job on the queue; nothing tried yet
        message_id = message.id
    done = subprocess.run([REGIO, "worker", "--burst"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=_regio_env(tmp_path, DATABASE_URL=app.config["DATABASE_URL"], REDIS_URL=REDIS_URL,
                                         JOBS_QUEUE=queue, MAIL_SERVER="127.0.0.1", MAIL_PORT="1",
                                         JOBS_MAIL_RETRIES="0"))
    assert done.returncode == 0, done.stderr[-2000:]
    with app.app_context():
        stored = db_session().get(OutboxMessage, message_id)
        assert stored.attempts == 1 and stored.sent_at is None
        assert stored.error.startswith("mailserver niet bereikbaar")
