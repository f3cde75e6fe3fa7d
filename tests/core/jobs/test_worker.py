"""Jobs on a real RQ worker process (Redis): progress, the result pages, a killed work horse, mail retries.

Skipped, saying why, where Redis does not answer (TEST_REDIS_URL). The kill
test needs PostgreSQL: it holds the audit chain's lock, so the confirm stops
between writing its rows and writing their audit entries, and kills the work
horse there.
"""
from __future__ import annotations

import os
import signal

import psycopg
import pytest
from sqlalchemy import select

from core.testing import login, make_user
from tests.conftest import PG_URL
from tests.core.excel.conftest import counts, greetings, openpyxl_file, row, upload

from .conftest import REDIS_URL, URL, job_row, job_url, token_of, wait_for


def _finished(app, page):
    return lambda: job_row(app, token_of(page)).state in ("done", "failed")


def test_upload_confirm_and_export_on_a_worker_end_on_todays_pages(worker_app, editor_of):
    app = worker_app()
    client = editor_of(app)
    page = job_url(upload(client, openpyxl_file([row("Een"), row("Twee"), row("Drie")])))
    wait_for(_finished(app, page), "the upload job")
    job = job_row(app, token_of(page))
    assert (job.state, job.rows_read, job.rows_validated, job.rq_id is not None) == ("done", 3, 3, True)
    preview = client.get(page)
    assert preview.status_code == 303 and preview.headers["Location"].endswith(f"/{job.result_token}/")
    page = job_url(client.post(preview.headers["Location"] + "bevestigen"))
    wait_for(_finished(app, page), "the confirm job")
    sheet = client.get(client.get(page).headers["Location"]).get_data(as_text=True)
    assert "Opgeslagen: 3 nieuw, 0 gewijzigd, 0 ongewijzigd." in sheet
    assert [g["text"] for g in greetings(app)] == ["Drie", "Een", "Twee"]
    page = job_url(client.get(URL + "export.xlsx"))
    wait_for(_finished(app, page), "the export job")
    assert "Klaar: de export bevat 3 rijen." in client.get(page).get_data(as_text=True)
    assert client.get(page + "bestand.xlsx").status_code == 200


def _waiting_on_the_chain_lock(url: str) -> bool:
    """Whether a backend waits for an advisory lock while it has written into the greetings table."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
            "WHERE a.wait_event_type = 'Lock' AND a.query LIKE '%pg_advisory_xact_lock%' "
            "AND l.relation = 'hello_greeting'::regclass AND l.mode = 'RowExclusiveLock' AND l.granted"
        ).fetchone()[0] > 0


def test_a_confirm_killed_midway_stores_nothing_says_so_and_retries(worker_app, editor_of):
    from rq.job import Job

    from core.audit.store import _PG_LOCK_ID
    from core.jobs.queue import connection

    if not PG_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): the test stops the confirm midway on the audit "
                    "chain's advisory lock")
    app = worker_app()
    client = editor_of(app)
    page = job_url(upload(client, openpyxl_file([row("Een"), row("Twee")])))
    wait_for(_finished(app, page), "the upload job")
    preview = client.get(page).headers["Location"]
    before = counts(app)
    url = PG_URL.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as lock_holder:
        lock_holder.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_ID,))  # held until rollback
        page = job_url(client.post(preview + "bevestigen"))
        # the job has inserted the rows (it holds the table's write lock) and waits for the chain's lock
        # to write their audit entries
        wait_for(lambda: _waiting_on_the_chain_lock(url), "the confirm to reach the audit entries")
        rq_job = Job.fetch(job_row(app, token_of(page)).rq_id, connection=connection(app.config))
        os.kill(rq_job.meta["pid"], signal.SIGKILL)
        wait_for(lambda: rq_job.get_status(refresh=True) == "failed", "RQ to see its work horse die")
        lock_holder.rollback()
    assert counts(app) == before  # nothing half-written: the confirm was one transaction
    html = client.get(page).get_data(as_text=True)
    assert "<title>Afgebroken: Import opslaan" in html
    assert "De verwerking is afgebroken voordat ze klaar was. Er is niets opgeslagen." in html
    assert "Opnieuw proberen" in html and 'http-equiv="refresh"' not in html
    retried = client.post(page + "opnieuw")
    assert retried.status_code == 303
    wait_for(_finished(app, page), "the retried confirm")
    assert job_row(app, token_of(page)).attempts == 2
    done = client.get(page)
    assert "Opgeslagen: 2 nieuw" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert [g["text"] for g in greetings(app)] == ["Een", "Twee"]


def test_failed_mail_is_retried_with_back_off_and_shown_to_platform_admins(worker_app):
    from core.db import db_session
    from core.mail import OutboxMessage, commit_and_deliver, queue_mail

    # nothing listens on port 1: every delivery fails; one retry, at once
    app = worker_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, JOBS_MAIL_RETRIES=1, JOBS_MAIL_BACKOFF="0")
    with app.test_request_context():
        session = db_session()
        message = queue_mail(session, ["iemand@example.nl"], "Welkom", "Hallo")
        commit_and_deliver(session)  # queued as a job: the request does not wait for the mail server
        message_id = message.id
        assert session.get(OutboxMessage, message_id).attempts == 0

    def attempts():
        with app.app_context():
            return db_session().get(OutboxMessage, message_id).attempts

    wait_for(lambda: attempts() == 2, "the delivery and its retry")
    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    assert login(admin, "beheer@example.nl").status_code == 302
    html = admin.get("/beheer/outbox").get_data(as_text=True)
    assert "mislukt: mailserver niet bereikbaar" in html and "<td>2</td>" in html
    assert "wordt nog 1 keer opnieuw geprobeerd" in html
