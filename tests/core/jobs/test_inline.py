"""Jobs without Redis (the embedded default): the same job code runs in the request and ends on today's pages."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from sqlalchemy import update

from core.testing import login, make_user
from tests.core.excel.conftest import counts, greetings, openpyxl_file, row, upload

from .conftest import URL, job_row, job_url, token_of


def test_upload_and_confirm_run_as_jobs_and_end_on_the_preview_and_the_sheet_page(inline_app, editor_of):
    client = editor_of(inline_app)
    response = upload(client, openpyxl_file([row("Een"), row("Twee")]))
    page = job_url(response)
    done = client.get(page)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/{job_row(inline_app, token_of(page)).result_token}/")
    assert job_row(inline_app, token_of(page)).rows_validated == 2
    preview = client.get(done.headers["Location"])
    assert preview.status_code == 200 and "Een" in preview.get_data(as_text=True)
    confirm = client.post(done.headers["Location"] + "bevestigen")
    confirmed = client.get(job_url(confirm))
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith("/hello-groeten/")
    sheet = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Opgeslagen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in sheet
    assert [g["text"] for g in greetings(inline_app)] == ["Een", "Twee"]


def test_an_upload_with_errors_ends_on_the_error_page(inline_app, editor_of):
    client = editor_of(inline_app)
    response = upload(client, openpyxl_file([row("Een", sent="abc")]))
    done = client.get(job_url(response))
    assert done.status_code == 303 and done.headers["Location"].endswith("/fouten")
    assert "D2: &#39;abc&#39; is geen geheel getal" in client.get(done.headers["Location"]).get_data(as_text=True)


def test_export_job_offers_its_workbook(inline_app, editor_of):
    client = editor_of(inline_app)
    client.post(client.get(upload(client, openpyxl_file([row("Een")])).headers["Location"])
                .headers["Location"] + "bevestigen")
    response = client.get(URL + "export.xlsx")
    page = client.get(job_url(response))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Klaar: de export bevat 1 rijen." in html
    assert 'http-equiv="refresh"' not in html  # a finished job's page stays put
    workbook = client.get(job_url(response) + "bestand.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).worksheets[0]
    assert sheet.cell(row=2, column=3).value == "Een"


def test_a_job_page_is_its_owners_only(inline_app, editor_of):
    client = editor_of(inline_app)
    page = job_url(client.get(URL + "export.xlsx"))
    make_user(inline_app, "collega@utrecht.example", org="GM0344", role="editor")  # same organisation
    make_user(inline_app, "beheer@example.nl", platform_admin=True)
    for email in ("collega@utrecht.example", "beheer@example.nl"):
        other = inline_app.test_client()
        assert login(other, email).status_code == 302
        assert other.get(page).status_code == 404
        assert other.get(page + "bestand.xlsx").status_code == 404
        assert other.post(page + "opnieuw").status_code == 404
    make_user(inline_app, "rotterdam@example.nl", org="GM0599", role="editor")  # another region (rmc-29)
    rotterdam = inline_app.test_client()
    assert login(rotterdam, "rotterdam@example.nl").status_code == 302
    assert rotterdam.get(page).status_code == 404
    assert rotterdam.get(page.replace("rmc-19", "rmc-29")).status_code == 404
    assert client.get(page.replace("hello-groeten", "hello-groeten-x")).status_code == 404


def _make_job(app, state: str, *, age_minutes: int = 0, kind: str = "excel.confirm", staged: str = "x"):
    """A job row as a worker leaves it (queued, or running and never finished)."""
    import json

    from sqlalchemy import select

    from core.db import db_session, utcnow
    from core.identity.models import User
    from core.jobs.models import BackgroundJob
    from core.regions.models import Region
    from tests.core.excel.conftest import EDITOR

    with app.app_context():
        session = db_session()
        job = BackgroundJob(token=f"t{state}{age_minutes}", kind=kind, region_id=session.scalar(
            select(Region.id).where(Region.slug == "rmc-19")), owner_id=session.scalar(
            select(User.id).where(User.email == EDITOR)), instrument_key="hello", sheet_name="hello-groeten",
            locale="nl", state=state, created_at=utcnow() - dt.timedelta(minutes=age_minutes),
            options=json.dumps({"staged": staged}), rows_read=1200, rows_validated=1000)
        session.add(job)
        session.commit()
        return job.token


def test_progress_page_refreshes_itself_and_announces_its_state(inline_app, editor_of):
    client = editor_of(inline_app)
    token = _make_job(inline_app, "running")
    page = client.get(f"{URL}taak/{token}/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<title>Bezig: Import opslaan" in html
    assert 'role="status" aria-live="polite" aria-atomic="true"' in html
    assert "<dt>Rijen gelezen</dt><dd>1.200</dd>" in html and "<dt>Rijen gecontroleerd</dt><dd>1.000</dd>" in html
    assert "Opnieuw proberen" not in html
    still = client.get(f"{URL}taak/{token}/?verversen=uit").get_data(as_text=True)  # WCAG 2.2.1: it can be stopped
    assert 'http-equiv="refresh"' not in still and "Voortgang verversen" in still


def test_a_job_that_died_says_nothing_was_stored_and_retries(inline_app, editor_of):
    client = editor_of(inline_app)
    response = upload(client, openpyxl_file([row("Een")]))
    staged_url = client.get(job_url(response)).headers["Location"]
    staged = staged_url.rstrip("/").rsplit("/", 1)[-1]
    # the request that ran the confirm inline was ended (gunicorn's timeout) before it finished
    token = _make_job(inline_app, "running", age_minutes=24 * 60, staged=staged)
    before = counts(inline_app)
    page = client.get(f"{URL}taak/{token}/")
    html = page.get_data(as_text=True)
    assert "<title>Afgebroken: Import opslaan" in html
    assert "De verwerking is afgebroken voordat ze klaar was. Er is niets opgeslagen." in html
    assert 'http-equiv="refresh"' not in html and "Opnieuw proberen" in html
    assert counts(inline_app) == before
    retried = client.post(f"{URL}taak/{token}/opnieuw")
    assert retried.status_code == 303
    done = client.get(retried.headers["Location"])
    assert done.status_code == 303
    assert "Opgeslagen: 1 nieuw" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert [g["text"] for g in greetings(inline_app)] == ["Een"]


def test_a_stale_confirm_says_why_and_offers_no_retry(inline_app, editor_of):
    from core.db import db_session
    from tests.plugins.hello.models import Greeting

    client = editor_of(inline_app)
    preview = client.get(job_url(upload(client, openpyxl_file([row("Een")])))).headers["Location"]
    other_tab = inline_app.test_client()  # meanwhile the same greeting is stored from another tab
    login(other_tab, "invoerder@utrecht.example")
    other = other_tab.get(job_url(upload(other_tab, openpyxl_file([row("Een", sent=30)])))).headers["Location"]
    assert other_tab.post(other + "bevestigen").status_code == 303
    page = client.get(job_url(client.post(preview + "bevestigen")))
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "De gegevens zijn gewijzigd sinds u het bestand uploadde" in html and "Opnieuw proberen" not in html
    with inline_app.app_context():
        assert db_session().query(Greeting).count() == 1


def test_with_redis_down_the_work_runs_inline_without_an_error(app_factory, editor_of):
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI="memory://", JOBS_UPLOAD_MIN_BYTES=0)
    client = editor_of(app)
    response = upload(client, openpyxl_file([row("Een")]))
    assert response.status_code == 303
    done = client.get(job_url(response))
    assert done.status_code == 303 and "/taak/" not in done.headers["Location"]
    assert job_row(app, token_of(job_url(response))).rq_id is None


def test_job_records_older_than_the_keeping_time_are_removed(inline_app, editor_of):
    client = editor_of(inline_app)
    old = _make_job(inline_app, "done", age_minutes=8 * 24 * 60)
    recent = _make_job(inline_app, "done", age_minutes=6 * 24 * 60)
    job_url(client.get(URL + "export.xlsx"))  # a new job
    assert client.get(f"{URL}taak/{old}/").status_code == 404
    assert client.get(f"{URL}taak/{recent}/").status_code != 404
