"""Writing a batch of rows through the Excel engine's validation: JSON pointers instead of cells, all or nothing,
a dry run that says new/changed/unchanged, an idempotent re-send, and audit entries that name the token."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.plugins.hello.models import Greeting
from tests.plugins.hello.sheets import GREETINGS

from .conftest import make_token
from .test_read import bearer

URL = f"/api/v1/datasets/hello/{GREETINGS.name}"
ROWS = [{"organisation_id": "GM0344", "school_year": "2024-2025", "text": "Goedemorgen", "sent": 10},
        {"organisation_id": "GM0344", "school_year": "2025-2026", "text": "Hallo", "sent": 4}]


def count(world) -> int:
    from core.db import db_session

    with world.app.app_context():
        return db_session().scalar(select(func.count(Greeting.id)))


def test_a_batch_is_written_once_dry_run_first_and_a_resend_changes_nothing(world):
    from core.audit.models import AuditEntry
    from core.db import db_session

    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    dry = client.post(URL + "?dry_run=1", json={"rows": ROWS}, headers=bearer(secret))
    assert dry.status_code == 200, dry.get_data(as_text=True)
    assert dry.get_json() == {"dry_run": True, "new": 2, "changed": 0, "unchanged": 0}
    assert count(world) == 0
    assert client.post(URL, json={"rows": ROWS}, headers=bearer(secret)).get_json()["new"] == 2
    assert count(world) == 2
    again = client.post(URL, json={"rows": ROWS}, headers=bearer(secret)).get_json()
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, 2)
    changed = [dict(ROWS[0], sent=11), ROWS[1]]
    assert client.post(URL, json={"rows": changed}, headers=bearer(secret)).get_json()["changed"] == 1
    read = client.get(URL + "?school_year=2024-2025", headers=bearer(secret)).get_json()["data"]
    assert [r["sent"] for r in read] == [11]
    with world.app.app_context():
        actors = set(db_session().scalars(select(AuditEntry.actor).where(AuditEntry.object_type == "hello_greeting")))
    assert actors and all(a.startswith("API-sleutel Leerlingadministratie") for a in actors)


def test_a_bad_batch_names_each_problem_by_json_pointer_and_writes_nothing(world):
    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    bad = [ROWS[0], {"organisation_id": "GM0344", "school_year": "1990-1991", "text": "Oud", "sent": -1},
           {"organisation_id": "GM0310", "school_year": "2024-2025", "text": "Buren"}, ROWS[0]]
    response = client.post(URL, json={"rows": bad}, headers=bearer(secret))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json(force=True)["errors"]
    pointers = {e["pointer"] for e in errors}
    assert {"/rows/1/school_year", "/rows/1/sent", "/rows/2/organisation_id"} <= pointers
    assert any(e["pointer"].startswith("/rows/3") and "dubbele rij" in e["detail"] for e in errors)
    assert count(world) == 0
    english = client.post(URL, json={"rows": [{"text": "x", "extra": 1}]},
                          headers=bearer(secret, **{"Accept-Language": "en"}))
    body = english.get_json(force=True)
    assert english.status_code == 422 and body["errors"] == [
        {"pointer": "/rows/0/extra", "detail": "extra is not a column of this sheet."}]
    for payload in ({"rows": "nee"}, [1, 2], {"rows": [[1]]}, {"rows": [{"text": {"a": 1}}]}):
        assert client.post(URL, json=payload, headers=bearer(secret)).status_code in (400, 422)
    assert count(world) == 0


def test_a_read_token_or_another_organisations_token_writes_nothing(world):
    reader = make_token(world, "beheer-utrecht@example.nl", "GM0344", scopes={"hello": "read"})
    debilt = make_token(world, "beheer-debilt@example.nl", "GM0310", scopes={"hello": "write"})
    client = world.app.test_client()
    assert client.post(URL, json={"rows": ROWS}, headers=bearer(reader)).status_code == 404
    refused = client.post(URL, json={"rows": ROWS}, headers=bearer(debilt))  # Utrecht's rows, De Bilt's token
    assert refused.status_code == 422
    assert {e["pointer"] for e in refused.get_json(force=True)["errors"]} == {"/rows/0/organisation_id",
                                                                               "/rows/1/organisation_id"}
    assert count(world) == 0


def test_numbers_the_database_cannot_hold_are_refused_by_pointer(world):
    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    huge = [dict(ROWS[0], sent=2**63 - 1)]
    response = client.post(URL, json={"rows": huge}, headers=bearer(secret))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json(force=True)["errors"]] == ["/rows/0/sent"]
    cursor = "eyJhZnRlciI6IDkyMjMzNzIwMzY4NTQ3NzU4MDd9"  # {"after": 9223372036854775807}
    assert client.get(f"/api/v1/agreements?cursor={cursor}", headers=bearer(secret)).status_code == 400
    assert count(world) == 0


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_batch(world):
    from core.api.idempotency import IdempotentResponse
    from core.db import db_session

    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    first = client.post(URL, json={"rows": ROWS}, headers=bearer(secret, **{"Idempotency-Key": "partij-1"}))
    assert first.status_code == 200 and first.get_json()["new"] == 2
    with world.app.app_context():  # someone changes a row in between: a replay must not write it back
        db_session().execute(Greeting.__table__.update().values(sent=99))
        db_session().commit()
    again = client.post(URL, json={"rows": ROWS}, headers=bearer(secret, **{"Idempotency-Key": "partij-1"}))
    assert (again.status_code, again.get_json()) == (200, first.get_json())  # the first answer: new 2, not changed 2
    with world.app.app_context():
        assert set(db_session().scalars(select(Greeting.sent))) == {99}
    other = client.post(URL, json={"rows": ROWS[:1]}, headers=bearer(secret, **{"Idempotency-Key": "partij-1"}))
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert "Idempotency-Key" in other.get_json()["detail"]
    # keys are per token: another token may use the same key and is not answered from the first token's store
    second = make_token(world, "invoer-utrecht@example.nl", "GM0344", name="Tweede", scopes={"hello": "write"})
    fresh = client.post(URL, json={"rows": ROWS}, headers=bearer(second, **{"Idempotency-Key": "partij-1"}))
    assert fresh.status_code == 200 and fresh.get_json()["changed"] == 2
    # an expired key is forgotten: the same key with another batch writes again
    world.app.config["API_IDEMPOTENCY_HOURS"] = 0
    later = client.post(URL, json={"rows": ROWS[:1]}, headers=bearer(secret, **{"Idempotency-Key": "partij-1"}))
    assert later.status_code == 200 and later.get_json()["unchanged"] == 1
    with world.app.app_context():
        assert db_session().scalar(select(func.count(IdempotentResponse.id))) == 2


def test_two_requests_with_one_key_at_once_give_the_first_answer_to_both(world, monkeypatch):
    from core.api import idempotency

    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    key = bearer(secret, **{"Idempotency-Key": "tegelijk"})
    first = client.post(URL, json={"rows": ROWS}, headers=key)
    real_find, calls = idempotency.find, []

    def find_too_early(*args):  # the second request looked before the first had committed its key
        calls.append(args)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(idempotency, "find", find_too_early)
    second = client.post(URL, json={"rows": ROWS}, headers=key)
    assert (second.status_code, second.get_json()) == (200, first.get_json())
    assert count(world) == 2


def test_a_batch_may_exceed_the_upload_limit_up_to_the_api_body_limit(world):
    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    world.app.config["MAX_CONTENT_LENGTH"] = 200  # the form and upload limit: smaller than the batch
    assert client.post(URL, json={"rows": ROWS}, headers=bearer(secret)).status_code == 200
    world.app.config["API_MAX_BODY_MB"] = 0.0001  # about 100 bytes
    too_big = client.post(URL, json={"rows": ROWS}, headers=bearer(secret))
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"
    assert "kleinere partijen" in too_big.get_json()["detail"]


def test_a_nul_character_in_a_value_is_a_422_with_its_pointer(world):
    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    rows = [ROWS[0], dict(ROWS[1], organisation_id="\x00")]
    response = world.app.test_client().post(URL, json={"rows": rows}, headers=bearer(secret))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/rows/1/organisation_id"
    assert count(world) == 0
