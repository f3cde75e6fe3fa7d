"""Running a job: on an RQ worker, or inline in the request when there is no Redis.

A handler (registered with `@handler(kind)`) does the work of one kind of
job; it gets the job's own database session, the job row and a `Progress`
to report counts on. Its own writes are one transaction: a job killed
midway (`kill -9`, a machine that dies) leaves nothing half-written, and
`status` then says KILLED so the page can offer a retry.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
from typing import Callable

from flask import current_app, g
from flask_babel import force_locale
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from core.db import db_session, utcnow
from core.jobs import queue
from core.jobs.models import ACTIVE, DONE, FAILED, QUEUED, RUNNING, BackgroundJob

log = logging.getLogger("regioplatform.jobs")

KILLED = "killed"  # derived, never stored: the job's process ended before the job did

HANDLERS: dict[str, Callable] = {}


class JobFailed(RuntimeError):
    """The job cannot be done as asked; the message (in the owner's language) says why and what to do."""


def handler(kind: str):
    """Register `func(session, job, progress) -> dict` as the handler of `kind`; it returns fields to set when done."""

    def register(func):
        HANDLERS[kind] = func
        return func

    return register


class Progress:
    """Counts a job reports (rows read, validated, written), committed on a connection of their own."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.database = current_app.extensions["regioplatform.db"]

    def report(self, **counts: int) -> None:
        with self.database.sessionmaker() as session:
            session.execute(update(BackgroundJob).where(BackgroundJob.id == self.job_id).values(**counts))
            session.commit()


def create(session: Session, *, kind: str, owner, region, instrument: str, sheet: str, locale: str,
           options: dict | None = None, payload: bytes | None = None, api_token=None,
           commit: bool = True) -> BackgroundJob:
    """A new job row for `owner` in `region` (committed, not started); records older than JOBS_KEEP_DAYS go.

    `owner`: the user whose job it is, or None for a job an API token started (`api_token`: then its
    organisation's tokens see it). `commit=False`: only flushed, committed by the caller with what goes with it.
    """
    keep = dt.timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    session.execute(delete(BackgroundJob).where(BackgroundJob.created_at < utcnow() - keep))
    job = BackgroundJob(token=secrets.token_urlsafe(32), kind=kind, owner_id=owner.id if owner is not None else None,
                        api_token_id=api_token.id if api_token is not None else None,
                        api_organisation_id=api_token.organisation_id if api_token is not None else None,
                        region_id=region.id, instrument_key=instrument, sheet_name=sheet, locale=locale,
                        state=QUEUED, options=json.dumps(options or {}), payload=payload)
    session.add(job)
    if commit:
        session.commit()
    else:
        session.flush()
    return job


def options(job: BackgroundJob) -> dict:
    return json.loads(job.options or "{}")


def start(session: Session, job: BackgroundJob) -> None:
    """Queue the job on RQ; without Redis (or with Redis down) run it here and now."""
    config = current_app.config
    job.state, job.message = QUEUED, None
    job.rows_read = job.rows_validated = job.rows_written = 0
    job.rq_id = f"regio-{job.token[:20]}-{job.attempts + 1}" if queue.enabled(config) else None
    session.commit()
    if job.rq_id is not None:
        submitted = queue.submit("core.jobs.runner.perform", job.id, job_id=job.rq_id,
                                 timeout=config["JOBS_TIMEOUT"], failure_ttl=7 * 24 * 3600, result_ttl=3600)
        if submitted is not None:
            return
        job.rq_id = None
        session.commit()
    run_inline(job.id)


def run_inline(job_id: int) -> None:
    """Run the job in this process, in an app context of its own (its own database session)."""
    with current_app.app_context():
        try:
            execute(job_id)
        except Exception:  # recorded on the job; its page says so and offers a retry, never a 500
            log.exception("background job %s failed (inline)", job_id)


def perform(job_id: int) -> None:
    """The function RQ calls on a worker: run job `job_id` with the worker's app."""
    from rq import get_current_job

    from core.jobs.worker import worker_app

    app = worker_app()
    app.extensions["regioplatform.db"].engine.dispose(close=False)  # a forked work horse opens its own connections
    current = get_current_job()
    if current is not None:
        current.meta["pid"] = os.getpid()  # the process doing the work (operators; the kill test)
        current.save_meta()
    with app.app_context():
        execute(job_id)


def execute(job_id: int) -> None:
    """Run the handler of job `job_id` in the current app context and record how it ended."""
    session = db_session()
    job = session.get(BackgroundJob, job_id)
    if job is None or job.state not in ACTIVE:
        return  # removed, or already done (RQ ran it twice)
    job.state, job.attempts, job.message = RUNNING, job.attempts + 1, None
    session.commit()
    g.background_job = job.id  # also makes `g` truthy, which force_locale needs
    try:
        with force_locale(job.locale):
            fields = HANDLERS[job.kind](session, job, Progress(job.id)) or {}
    except JobFailed as exc:
        session.rollback()
        _finish(session, job_id, FAILED, message=str(exc))
        return
    except Exception:
        session.rollback()
        _finish(session, job_id, FAILED, message=None)
        raise
    _finish(session, job_id, DONE, payload=None, **fields)


def _finish(session: Session, job_id: int, state: str, **fields) -> None:
    session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id)
                    .values(state=state, finished_at=utcnow(), **fields))
    session.commit()


def status(job: BackgroundJob, config) -> str:
    """The job's state as its page shows it: QUEUED, RUNNING, DONE, FAILED, or KILLED.

    KILLED: the row says queued or running, but the RQ job ended (its work
    horse was killed, it timed out, it was stopped) or is gone; for an inline
    job, it ran longer than JOBS_TIMEOUT (the request that ran it was ended).
    """
    if job.state not in ACTIVE:
        return job.state
    if job.rq_id is None:
        started = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=dt.timezone.utc)
        return KILLED if utcnow() - started > dt.timedelta(seconds=config["JOBS_TIMEOUT"]) else job.state
    rq_status = queue.rq_status(config, job.rq_id)
    if rq_status in ("failed", "stopped", "canceled", "gone"):
        return KILLED
    return job.state


def retry(session: Session, job: BackgroundJob, config) -> bool:
    """Start a killed (or unexpectedly failed) job again; False when it cannot be retried."""
    if not retryable(job, config):
        return False
    start(session, job)
    return True


def retryable(job: BackgroundJob, config) -> bool:
    """Killed, or failed without a reason the user must act on first."""
    state = status(job, config)
    return state == KILLED or (state == FAILED and not job.message)
