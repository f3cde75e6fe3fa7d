"""Large API batch writes as background jobs (core/jobs: on RQ, or inline without REDIS_URL).

A batch of more than API_JOB_MIN_ROWS rows is answered 202 Accepted with a status URL under /api/v1/jobs/;
a job then runs the same write as a small batch's request (core.api.writes) with the token that sent it.
The status document tells the state and the rows read, validated and written; once the job is done, it holds
the HTTP status and the body the request would have answered (the counts, or a problem document).
"""
from __future__ import annotations

import json

from flask import current_app
from flask_babel import gettext as _

from core.api.models import ApiToken
from core.api.principal import TokenPrincipal
from core.api.problems import problem_body
from core.api.writes import write_batch
from core.authz import may
from core.db import utcnow
from core.excel import engine
from core.identity.models import today
from core.jobs import runner
from core.jobs.models import DONE, FAILED, BackgroundJob
from core.regions.models import Region

WRITE = "api.write"
DEFAULT_MIN_ROWS = 5000
RETRY_AFTER = 2  # seconds a client is asked to wait before it asks for the status again


def runs_as_job(config, rows: list) -> bool:
    """A batch of more than API_JOB_MIN_ROWS rows is written by a job."""
    return len(rows) > int(config.get("API_JOB_MIN_ROWS", DEFAULT_MIN_ROWS))


def _outcome(status: int, body: dict) -> bytes:
    return json.dumps({"status": status, "body": body}, ensure_ascii=False).encode()


@runner.handler(WRITE)
def write(session, job: BackgroundJob, progress) -> dict:
    """Write the job's batch with the token that sent it; the answer is kept on the job (its `result`)."""
    given = runner.options(job)
    instance = given.get("path", "")
    token = session.get(ApiToken, job.api_token_id) if job.api_token_id is not None else None
    spec = engine.find_sheet(current_app.extensions["regioplatform"], job.instrument_key, job.sheet_name)
    region = session.get(Region, job.region_id)
    if token is None or not token.is_active(today()):
        return {"result": _outcome(401, problem_body(401, instance=instance))}
    if spec is None or region is None or not token.may(job.instrument_key, "write"):
        return {"result": _outcome(404, problem_body(404, instance=instance))}
    principal = TokenPrincipal(token)
    if not may(principal, spec.permission, region):
        return {"result": _outcome(403, problem_body(403, instance=instance))}
    rows = json.loads(job.payload)["rows"]

    def done_with_the_write(body: dict) -> None:  # "done" and the rows are committed together, or neither
        job.state, job.finished_at, job.payload = DONE, utcnow(), None
        job.rows_read = job.rows_validated = len(rows)
        job.rows_written = body["new"] + body["changed"]
        job.result = _outcome(200, body)

    outcome = write_batch(session, spec=spec, region=region, instrument=job.instrument_key, principal=principal,
                          rows=rows, dry_run=bool(given.get("dry_run")), config=current_app.config,
                          instance=instance, progress=progress.report, before_commit=done_with_the_write)
    fields = {"result": _outcome(outcome.status, outcome.body)}
    if outcome.status == 200 and not outcome.body["dry_run"]:
        fields["rows_written"] = outcome.body["new"] + outcome.body["changed"]
    return fields


def status_document(job: BackgroundJob, config, location: str) -> dict:
    """What GET /api/v1/jobs/<id> answers: the state, the counts and, once ended, the status and body."""
    state = runner.status(job, config)
    status, body = None, None
    if state == DONE and job.result:
        kept = json.loads(job.result)
        status, body = kept["status"], kept["body"]
        if status >= 400:
            state = FAILED  # the write was refused; nothing is stored
    elif state in (FAILED, runner.KILLED):
        status, body = 503, problem_body(503, _("De taak is afgebroken voordat ze klaar was; er is niets "
                                                "opgeslagen. Stuur de partij opnieuw."), slug="taak-afgebroken",
                                         instance=location)
        state = FAILED if state == FAILED else "killed"
    return {"id": job.token, "state": state, "location": location,
            "rows": {"read": job.rows_read, "validated": job.rows_validated, "written": job.rows_written},
            "status": status, "result": body}
