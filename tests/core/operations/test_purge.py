"""`regio purge`: expired uploads, ended sessions and what is past its retention period (an API Idempotency-Key
sent through the API among them) are removed; live ones keep working."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from core.cli import main
from core.testing import login
from tests.core.excel.conftest import URL, editor, editor_client, openpyxl_file, row, upload  # noqa: F401
from tests.core.api.conftest import make_token, world  # noqa: F401 - fixture


def _count(app, model) -> int:
    from core.db import db_session

    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model))


def purge(app):
    result = app.test_cli_runner().invoke(main, ["purge"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_expired_upload_is_removed_and_a_live_preview_stays(app, editor_client):
    from core.db import db_session
    from core.excel.models import StagedImport

    old = upload(editor_client, openpyxl_file([row("Oud")]))
    live = upload(editor_client, openpyxl_file([row("Nieuw")]))
    assert old.status_code == live.status_code == 303
    with app.app_context():
        session = db_session()
        first = session.scalar(select(func.min(StagedImport.id)))
        session.execute(update(StagedImport).where(StagedImport.id == first)
                        .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))
        session.commit()

    assert "1 verlopen uploads" in purge(app)
    assert _count(app, StagedImport) == 1
    assert editor_client.get(old.headers["Location"]).status_code in (302, 404, 410)  # the expired one is gone
    preview = editor_client.get(live.headers["Location"])
    assert preview.status_code == 200 and "Nieuw" in preview.get_data(as_text=True)
    assert "0 verlopen uploads" in purge(app)  # twice: nothing more


def test_ended_sessions_are_removed_and_a_signed_in_user_stays_signed_in(app, editor, client):
    from core.identity.models import UserSession

    other = app.test_client()
    assert login(client, editor).status_code == 302
    assert login(other, editor).status_code == 302
    assert other.post("/uitloggen").status_code in (302, 303)
    assert _count(app, UserSession) == 2

    assert "1 beëindigde sessies" in purge(app)
    assert _count(app, UserSession) == 1
    assert client.get("/account").status_code == 200  # still signed in


def test_a_delivered_mails_body_is_cleared_and_an_unsent_one_kept(app):
    """A delivered invitation's link is gone after `regio purge`; the outbox still logs recipient and subject."""
    from core.db import db_session, utcnow
    from core.mail import OutboxMessage, queue_mail

    with app.app_context():
        session = db_session()
        sent = queue_mail(session, ["a@example.org"], "Uitnodiging", "Stel uw wachtwoord in: https://x/t/geheim")
        waiting = queue_mail(session, ["b@example.org"], "Herstel", "https://x/t/nog-niet-verstuurd")
        session.flush()
        sent.sent_at = utcnow()
        session.commit()
        sent_id, waiting_id = sent.id, waiting.id

    assert "1 teksten van verzonden e-mails" in purge(app)
    with app.app_context():
        session = db_session()
        delivered = session.get(OutboxMessage, sent_id)
        assert delivered.body is None and delivered.subject == "Uitnodiging" and delivered.recipients
        assert session.get(OutboxMessage, waiting_id).body == "https://x/t/nog-niet-verstuurd"
    assert "0 teksten van verzonden e-mails" in purge(app)  # twice: nothing more


def test_logs_past_their_retention_period_go_and_the_purge_is_audited(app_factory):
    """Security events and outbox messages older than RETENTION_*_DAYS are removed by `regio purge`; younger
    ones stay; the removal is one audit entry and the audit chain still verifies."""
    from core.audit.models import AuditEntry
    from core.db import db_session, utcnow
    from core.mail import OutboxMessage, queue_mail
    from core.operations.security_log import SecurityEvent

    app = app_factory(RETENTION_SECURITY_EVENTS_DAYS=30, RETENTION_MAIL_DAYS=90)
    now = utcnow()
    with app.app_context():
        session = db_session()
        for days in (31, 29):
            session.add(SecurityEvent(at=now - dt.timedelta(days=days), kind="signin.failure", email=f"d{days}@x.nl",
                                      address="10.0.0.1", path="/inloggen", detail="password", request_id=""))
        for days in (91, 89):
            message = queue_mail(session, [f"m{days}@example.org"], f"Bericht {days}", "tekst")
            session.flush()
            message.created_at, message.sent_at = now - dt.timedelta(days=days), now - dt.timedelta(days=days)
        session.commit()

    output = purge(app)
    assert "1 beveiligingsgebeurtenissen, 1 e-mails uit de outbox" in output
    with app.app_context():
        session = db_session()
        assert session.scalars(select(SecurityEvent.email)).all() == ["d29@x.nl"]
        assert session.scalars(select(OutboxMessage.subject)).all() == ["Bericht 89"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
        assert entry.actor == "regio purge"
        assert (entry.after["security_events"], entry.after["mail_messages"]) == (1, 1)
    assert "0 beveiligingsgebeurtenissen, 0 e-mails uit de outbox" in purge(app)  # twice: nothing more
    with app.app_context():  # nothing removed: no second entry
        assert db_session().scalar(select(func.count()).where(AuditEntry.action == "purge")) == 1
    verified = app.test_cli_runner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_old_job_records_and_expired_idempotency_answers_go(app_factory):
    """A job record older than JOBS_KEEP_DAYS (it may hold an upload) and an Idempotency-Key answer older than
    API_IDEMPOTENCY_HOURS are removed; newer ones stay."""
    from core.api.idempotency import IdempotentResponse
    from core.api.models import ApiToken
    from core.db import db_session, utcnow
    from core.identity.models import User
    from core.jobs.models import BackgroundJob
    from core.regions.models import Region

    app = app_factory(JOBS_KEEP_DAYS=7, API_IDEMPOTENCY_HOURS=24)
    now = utcnow()
    with app.app_context():
        session = db_session()
        user = User(email="owner@example.nl", name="Eigenaar")
        session.add(user)
        session.flush()
        region = session.scalars(select(Region)).first()
        for days in (8, 6):
            session.add(BackgroundJob(token=f"job-{days}", kind="import", owner_id=user.id, region_id=region.id,
                                      instrument_key="x", sheet_name="y", created_at=now - dt.timedelta(days=days),
                                      payload=b"upload"))
        token = ApiToken(name="koppeling", token_hash="0" * 64, prefix="rp_00000", scopes={},
                         expires_on=now.date() + dt.timedelta(days=30))
        session.add(token)
        session.flush()
        for hours in (25, 23):
            session.add(IdempotentResponse(token_id=token.id, key=f"k{hours}", request_hash="0" * 64, status=200,
                                           body="{}", created_at=now - dt.timedelta(hours=hours)))
        session.commit()

    output = purge(app)
    assert "1 achtergrondtaken, 1 opgeslagen API-antwoorden" in output
    with app.app_context():
        assert db_session().scalars(select(BackgroundJob.token)).all() == ["job-6"]
        assert db_session().scalars(select(IdempotentResponse.key)).all() == ["k23"]


def test_expired_api_idempotency_keys_are_removed_and_a_live_one_still_answers(world):
    """A key older than API_IDEMPOTENCY_HOURS (24 by default) goes; a key sent within them still replays."""
    from core.api.idempotency import IdempotentResponse
    from core.db import db_session
    from tests.core.api.test_read import bearer
    from tests.core.api.test_write import ROWS, URL

    secret = make_token(world, "invoer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    client = world.app.test_client()
    for key, rows in (("oud", ROWS[:1]), ("nieuw", ROWS)):
        sent = client.post(URL, json={"rows": rows}, headers=bearer(secret, **{"Idempotency-Key": key}))
        assert sent.status_code == 200, sent.get_data(as_text=True)
    with world.app.app_context():
        session = db_session()
        session.execute(update(IdempotentResponse).where(IdempotentResponse.key == "oud").values(
            created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=25)))
        session.commit()

    assert "1 opgeslagen API-antwoorden (Idempotency-Key)" in purge(world.app)
    with world.app.app_context():
        assert list(db_session().scalars(select(IdempotentResponse.key))) == ["nieuw"]
    again = client.post(URL, json={"rows": ROWS}, headers=bearer(secret, **{"Idempotency-Key": "nieuw"}))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "0 opgeslagen API-antwoorden (Idempotency-Key)" in purge(world.app)  # twice: nothing more
