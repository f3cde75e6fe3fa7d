"""Large batch writes go to the job queue (issue 23): more rows than API_JOB_MIN_ROWS answer 202 Accepted with a
status URL under /api/v1/jobs/ in Location; that URL tells the job's state and, once it has ended, the same body
a batch written in the request answers (the counts, or the problem document with JSON pointers). Only the tokens
of the organisation whose token sent the batch see it; every other token gets 404.

Without REDIS_URL the job runs inline (the 202 already says "done"); on a real RQ worker (TEST_REDIS_URL; skipped,
saying why, where Redis does not answer) the status URL says "queued" or "running" first.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.core.jobs.conftest import rq_worker, wait_for, worker_app  # noqa: F401 - fixtures
from tests.plugins.hello.models import Greeting

from .conftest import make_token, world  # noqa: F401 - fixture
from .test_platform_tokens import make_platform_token
from .test_read import bearer, twente  # noqa: F401 - fixture
from .test_write import ROWS, URL, count

SYNC = {"dry_run": False, "new": 2, "changed": 0, "unchanged": 0}


@pytest.fixture
def large(world):
    """Every batch of more than one row is large: it is written by a job (inline: no REDIS_URL)."""
    world.app.config["API_JOB_MIN_ROWS"] = 1
    return world


def _writer(world):
    return make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})


def test_a_large_batch_answers_202_with_a_status_url_that_ends_on_the_same_answer(large):
    from core.audit.models import AuditEntry
    from core.db import db_session

    secret, client = _writer(large), large.app.test_client()
    accepted = client.post(URL, json={"rows": ROWS}, headers=bearer(secret))
    assert accepted.status_code == 202, accepted.get_data(as_text=True)
    location = accepted.headers["Location"]
    assert location.startswith("/api/v1/jobs/")
    status = client.get(location, headers=bearer(secret))
    assert status.status_code == 200 and status.get_json() == accepted.get_json()
    body = status.get_json()
    assert (body["state"], body["status"], body["result"]) == ("done", 200, SYNC)
    assert body["rows"] == {"read": 2, "validated": 2, "written": 2} and body["location"] == location
    assert count(large) == 2
    with large.app.app_context():
        actors = set(db_session().scalars(select(AuditEntry.actor).where(AuditEntry.object_type == "hello_greeting")))
    assert actors and all(a.startswith("API-sleutel Leerlingadministratie") for a in actors)
    # the same batch again, as a job: nothing changes; one row is a small batch, written in the request
    again = client.get(client.post(URL, json={"rows": ROWS}, headers=bearer(secret)).headers["Location"],
                       headers=bearer(secret)).get_json()
    assert again["result"] == {"dry_run": False, "new": 0, "changed": 0, "unchanged": 2}
    small = client.post(URL, json={"rows": ROWS[:1]}, headers=bearer(secret))
    assert small.status_code == 200 and small.get_json() == {"dry_run": False, "new": 0, "changed": 0,
                                                             "unchanged": 1}


def test_a_large_dry_run_as_a_job_says_what_would_change_and_writes_nothing(large):
    secret, client = _writer(large), large.app.test_client()
    accepted = client.post(URL + "?dry_run=1", json={"rows": ROWS}, headers=bearer(secret))
    assert accepted.status_code == 202
    assert accepted.get_json()["result"] == {"dry_run": True, "new": 2, "changed": 0, "unchanged": 0}
    assert count(large) == 0


def test_a_bad_large_batch_ends_failed_with_the_problem_and_its_json_pointers_in_the_readers_language(large):
    secret, client = _writer(large), large.app.test_client()
    bad = [ROWS[0], {"organisation_id": "GM0344", "school_year": "1990-1991", "text": "Oud", "sent": -1}]
    accepted = client.post(URL, json={"rows": bad}, headers=bearer(secret, **{"Accept-Language": "en"}))
    assert accepted.status_code == 202
    body = client.get(accepted.headers["Location"], headers=bearer(secret)).get_json()
    assert (body["state"], body["status"]) == ("failed", 422)
    problem = body["result"]
    assert problem["status"] == 422 and problem["title"] == "The data are not valid"
    assert {"/rows/1/school_year", "/rows/1/sent"} <= {e["pointer"] for e in problem["errors"]}
    assert count(large) == 0
    large.app.config["API_JOB_MIN_ROWS"] = 5000  # the same batch in the request: the same problem
    direct = client.post(URL, json={"rows": bad}, headers=bearer(secret, **{"Accept-Language": "en"}))
    assert direct.status_code == 422
    assert {k: v for k, v in direct.get_json(force=True).items() if k != "instance"} == \
        {k: v for k, v in problem.items() if k != "instance"}


def test_only_tokens_of_the_same_organisation_see_the_job(large, twente):  # noqa: F811
    secret, client = _writer(large), large.app.test_client()
    location = client.post(URL, json={"rows": ROWS}, headers=bearer(secret)).headers["Location"]
    colleague = make_token(large, "beheer-utrecht@example.nl", "GM0344", name="Tweede systeem",
                           scopes={"hello": "read"})
    assert client.get(location, headers=bearer(colleague)).status_code == 200
    debilt = make_token(large, "beheer-debilt@example.nl", "GM0310", scopes={"hello": "write"})  # same region
    for other in (debilt, twente, make_platform_token(large)):
        refused = client.get(location, headers=bearer(other))
        assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert client.get(location).status_code == 401
    for unknown in ("/api/v1/jobs/onbekend", "/api/v1/jobs/" + "x" * 80, "/api/v1/jobs/a%00b"):
        assert client.get(unknown, headers=bearer(secret)).status_code == 404


def test_a_resend_with_the_same_idempotency_key_answers_the_same_job(large):
    from core.db import db_session
    from core.jobs.models import BackgroundJob

    secret, client = _writer(large), large.app.test_client()
    headers = bearer(secret, **{"Idempotency-Key": "partij-1"})
    first = client.post(URL, json={"rows": ROWS}, headers=headers)
    again = client.post(URL, json={"rows": ROWS}, headers=headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.headers["Location"] == first.headers["Location"] and again.headers["Idempotent-Replayed"] == "true"
    with large.app.app_context():
        assert db_session().scalar(select(func.count(BackgroundJob.id))) == 1
    assert count(large) == 2


def test_a_large_batch_on_a_real_worker_is_queued_then_done(world, worker_app):  # noqa: F811
    app = worker_app(API_JOB_MIN_ROWS=1)
    world.app = app
    world.clients.clear()
    from core.testing import make_user

    make_user(app, "invoer@example.nl", org="GM0344", role="admin", two_factor=True)
    secret = make_token(world, "invoer@example.nl", "GM0344", scopes={"hello": "write"})
    client = app.test_client()
    accepted = client.post(URL, json={"rows": ROWS}, headers=bearer(secret))
    assert accepted.status_code == 202
    assert accepted.get_json()["state"] in ("queued", "running", "done")
    location = accepted.headers["Location"]
    if accepted.get_json()["status"] is None:
        assert "Retry-After" in accepted.headers

    def ended():
        body = client.get(location, headers=bearer(secret)).get_json()
        return body if body["status"] is not None else None

    body = wait_for(ended, "the API write job")
    assert (body["state"], body["result"]) == ("done", SYNC)
    with app.app_context():
        from core.db import db_session

        assert db_session().scalar(select(func.count(Greeting.id))) == 2


def test_a_queued_job_says_so_and_writes_nothing_once_its_token_is_revoked(large, monkeypatch):
    """The job runs with the token that sent the batch, as it is when the job runs: revoked, it writes nothing."""
    from core.api.models import ApiToken
    from core.db import db_session
    from core.jobs import runner
    from core.jobs.models import BackgroundJob

    monkeypatch.setattr(runner, "run_inline", lambda job_id: None)  # as if a worker has not taken it yet
    secret, client = _writer(large), large.app.test_client()
    colleague = make_token(large, "beheer-utrecht@example.nl", "GM0344", name="Tweede systeem",
                           scopes={"hello": "read"})
    accepted = client.post(URL, json={"rows": ROWS}, headers=bearer(secret))
    assert accepted.status_code == 202 and "Retry-After" in accepted.headers
    queued = accepted.get_json()
    assert (queued["state"], queued["status"], queued["result"]) == ("queued", None, None)
    with large.app.app_context():
        session = db_session()
        token = session.scalar(select(ApiToken).where(ApiToken.name == "Leerlingadministratie"))
        revoked = large.client("invoer-utrecht@example.nl").post(
            f"/organisaties/{large.org_id('GM0344')}/api-sleutels/{token.id}/intrekken")
        assert revoked.status_code == 303
        job_id = session.scalar(select(BackgroundJob.id))
    with large.app.app_context():
        runner.execute(job_id)
    ended = client.get(accepted.headers["Location"], headers=bearer(colleague)).get_json()
    assert (ended["state"], ended["status"], ended["result"]["status"]) == ("failed", 401, 401)
    assert count(large) == 0
