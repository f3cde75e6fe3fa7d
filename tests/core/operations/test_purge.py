"""`regio purge`: expired uploads and ended sessions are removed; live ones keep working."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from core.cli import main
from core.testing import login
from tests.core.excel.conftest import URL, editor, editor_client, openpyxl_file, row, upload  # noqa: F401


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
