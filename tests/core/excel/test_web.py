"""The web flow: upload, error page with the marked workbook, preview, confirm; guards and staging."""
from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select, update

from core.testing import login, make_user

from .conftest import EDITOR, URL, counts, greetings, openpyxl_file, row, upload


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    html = html[html.index("<main"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&#34;", '"')


def token_of(response) -> str:
    return re.search(r"/hello-groeten/([^/]+)/", response.headers["Location"]).group(1)


def test_sheet_page_offers_template_export_and_upload(editor_client):
    page = editor_client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/regio/rmc-19/hello/excel/hello-groeten/sjabloon.xlsx"' in html
    assert 'href="/regio/rmc-19/hello/excel/hello-groeten/export.xlsx"' in html
    assert 'enctype="multipart/form-data"' in html
    overview = editor_client.get("/regio/rmc-19/").get_data(as_text=True)
    assert 'href="/regio/rmc-19/hello/excel/hello-groeten/"' in overview


def test_errors_page_lists_every_error_and_writes_nothing(app, editor_client):
    before = counts(app)
    response = upload(editor_client, openpyxl_file([row("Een"), row("Twee", sent="abc"), row("Drie", org="GM0310")]))
    assert response.status_code == 303 and response.headers["Location"].endswith("/fouten")
    text = text_of(editor_client.get(response.headers["Location"]))
    assert "2 fouten in groeten.xlsx" in text
    assert "D3: 'abc' is geen geheel getal" in text
    assert "A4: u mag geen groeten invoeren voor GM0310 (Gemeente De Bilt)" in text
    assert "Er is niets opgeslagen" in text
    assert counts(app) == before


def test_marked_workbook_comments_every_wrong_cell(editor_client):
    response = upload(editor_client, openpyxl_file([row("Een"), row("Twee", sent="abc", mood="boos")]))
    marked = editor_client.get(response.headers["Location"].replace("/fouten", "/gemarkeerd.xlsx"))
    assert marked.status_code == 200
    assert marked.headers["Content-Disposition"].endswith("groeten-fouten.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(marked.data))
    ws = wb["Groeten"]
    assert ws["D3"].comment.text == "'abc' is geen geheel getal"
    assert ws["I3"].comment.text == "'boos' is geen toegestane waarde (kies uit: blij, neutraal, somber)"
    assert ws["D3"].fill.start_color.rgb == "FFFFC7CE"
    assert ws["D2"].comment is None and ws["D3"].value == "abc"  # the user's own data, untouched
    assert [tuple(r) for r in wb["Fouten"].iter_rows(values_only=True)] == [
        ("Cel", "Fout"), ("D3", "'abc' is geen geheel getal"),
        ("I3", "'boos' is geen toegestane waarde (kies uit: blij, neutraal, somber)")]


def test_first_200_errors_are_shown_with_the_total(editor_client):
    rows = [row(f"Groet {i}", sent="x") for i in range(250)]
    response = upload(editor_client, openpyxl_file(rows))
    page = editor_client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert html.count("is geen geheel getal</li>") == 200
    text = text_of(page)
    assert "250 fouten in groeten.xlsx" in text and "… en nog 50 fouten." in text


def test_preview_then_confirm_stores_everything_with_audit_entries(app, editor_client):
    from core.audit.bulk import row_changes
    from core.audit.verify import verify_chain
    from core.audit.models import AuditEntry
    from core.db import db_session

    response = upload(editor_client, openpyxl_file([row("Een"), row("Twee", budget="7,5")]))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{token_of(response)}/")
    preview = text_of(editor_client.get(response.headers["Location"]))
    assert "2 wijzigingen : nog niets is opgeslagen" in preview
    assert "Nieuw 2 Gewijzigd 0 Ongewijzigd 0" in preview
    assert "GM0344 (Gemeente Utrecht) 2024-2025 Twee 10 5 7,50" in preview
    assert greetings(app) == []
    done = editor_client.post(URL + f"{token_of(response)}/bevestigen")
    assert done.status_code == 303 and done.headers["Location"] == URL
    assert "Opgeslagen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in text_of(editor_client.get(URL))
    assert [g["text"] for g in greetings(app)] == ["Een", "Twee"]
    with app.app_context():
        session = db_session()
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "hello_greeting")).all()
        assert (entry.action, entry.actor, entry.object_id) == ("create", EDITOR, "2 rijen")  # one bulk entry
        rows = {key: after for key, _before, after in row_changes(entry)}
        assert sorted(rows) == sorted(str(g["id"]) for g in greetings(app))
        assert sorted(after["text"] for after in rows.values()) == ["Een", "Twee"]
        assert rows[str(greetings(app)[1]["id"])]["budget"] == "7.50" and entry.region_id is not None
        assert entry.organisation_id == greetings(app)[1]["organisation_id"]
        assert verify_chain(session)[1] == []
    assert editor_client.post(URL + f"{token_of(response)}/bevestigen").status_code == 404  # used up


def test_re_uploading_the_same_file_shows_0_wijzigingen(app, editor_client):
    data = openpyxl_file([row("Een"), row("Twee")])
    editor_client.post(URL + f"{token_of(upload(editor_client, data))}/bevestigen")
    again = upload(editor_client, data)
    preview = editor_client.get(again.headers["Location"])
    text = text_of(preview)
    assert "0 wijzigingen : het bestand komt overeen met wat er al is opgeslagen." in text
    assert "Nieuw 0 Gewijzigd 0 Ongewijzigd 2" in text
    assert "bevestigen" not in preview.get_data(as_text=True)


def test_preview_shows_old_and_new_side_by_side_and_update_is_audited(app, editor_client):
    from core.audit.bulk import row_changes
    from core.audit.models import AuditEntry
    from core.db import db_session

    editor_client.post(URL + f"{token_of(upload(editor_client, openpyxl_file([row('Een')])))}/bevestigen")
    response = upload(editor_client, openpyxl_file([row("Een", sent=12, mood="somber")]))
    text = text_of(editor_client.get(response.headers["Location"]))
    assert "Nieuw 0 Gewijzigd 1 Ongewijzigd 0" in text
    assert "GM0344 (Gemeente Utrecht) 2024-2025 Een Verstuurd 10 12" in text
    assert "Stemming blij somber" in text
    editor_client.post(URL + f"{token_of(response)}/bevestigen")
    assert greetings(app)[0]["sent"] == 12
    with app.app_context():
        entry = db_session().scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        ((key, before, after),) = row_changes(entry)
        assert key == str(greetings(app)[0]["id"])
        assert (before["sent"], after["sent"], before["mood"], after["mood"]) == (10, 12, "blij", "somber")


def test_commit_refuses_when_the_data_changed_since_the_preview(app, editor_client):
    from core.db import db_session
    from tests.plugins.hello.models import Greeting

    editor_client.post(URL + f"{token_of(upload(editor_client, openpyxl_file([row('Een')])))}/bevestigen")
    response = upload(editor_client, openpyxl_file([row("Een", sent=20), row("Twee")]))
    with app.app_context():  # someone else changes the row in between
        session = db_session()
        session.execute(update(Greeting).values(sent=15))
        session.commit()
    before = counts(app)
    refused = editor_client.post(URL + f"{token_of(response)}/bevestigen")
    assert refused.status_code == 409
    assert "De gegevens zijn gewijzigd sinds u het bestand uploadde; upload het bestand opnieuw" in text_of(refused)
    assert counts(app) == before and [g["sent"] for g in greetings(app)] == [15]


def test_a_staged_import_belongs_to_its_user(app, editor_client):
    response = upload(editor_client, openpyxl_file([row("Een")]))
    token = token_of(response)
    make_user(app, "collega@utrecht.example", org="GM0344", role="editor")
    colleague = app.test_client()
    login(colleague, "collega@utrecht.example")
    assert colleague.get(URL + f"{token}/").status_code == 404
    assert colleague.post(URL + f"{token}/bevestigen").status_code == 404
    assert colleague.get(URL + "onzin/").status_code == 404
    assert greetings(app) == []


def test_a_staged_import_is_shared_by_app_servers(app_factory):
    first = app_factory()
    make_user(first, EDITOR, org="GM0344", role="editor")
    client = first.test_client()
    login(client, EDITOR)
    token = token_of(upload(client, openpyxl_file([row("Een")])))
    second = app_factory(reuse_db=True)  # another worker on the same database
    other = second.test_client()
    login(other, EDITOR)
    assert other.get(URL + f"{token}/").status_code == 200
    assert other.post(URL + f"{token}/bevestigen").status_code == 303
    assert [g["text"] for g in greetings(second)] == ["Een"]


def test_an_expired_staged_import_cannot_be_committed(app_factory):
    app = app_factory(EXCEL_STAGE_MINUTES=0)
    make_user(app, EDITOR, org="GM0344", role="editor")
    client = app.test_client()
    login(client, EDITOR)
    token = token_of(upload(client, openpyxl_file([row("Een")])))
    page = client.get(URL + f"{token}/")
    assert page.status_code == 410 and "Deze upload is verlopen" in text_of(page)
    assert client.post(URL + f"{token}/bevestigen").status_code == 410
    assert greetings(app) == []


def test_cancel_drops_the_staged_import(app, editor_client):
    from core.db import db_session
    from core.excel.models import StagedImport

    token = token_of(upload(editor_client, openpyxl_file([row("Een")])))
    response = editor_client.post(URL + f"{token}/annuleren")
    assert response.status_code == 303
    assert editor_client.get(URL + f"{token}/").status_code == 404
    with app.app_context():
        assert db_session().scalars(select(StagedImport)).all() == []


def test_viewer_may_download_but_not_upload(app, client):
    make_user(app, "lezer@utrecht.example", org="GM0344", role="viewer")
    login(client, "lezer@utrecht.example")
    page = client.get(URL)
    assert page.status_code == 200 and "multipart/form-data" not in page.get_data(as_text=True)
    assert client.get(URL + "export.xlsx").status_code == 200
    assert client.get(URL + "sjabloon.xlsx").status_code == 200
    before = counts(app)
    assert upload(client, openpyxl_file([row()])).status_code == 403
    assert counts(app) == before


def test_guards_other_region_disabled_instrument_anonymous(app, client):
    make_user(app, "twente@example.nl", org="MC12", role="admin")
    login(client, "twente@example.nl")
    assert client.get(URL).status_code == 404  # rmc-19 is not this user's region
    # rmc-12 does not enable hello: the Excel pages are 404 like the instrument's own pages
    assert client.get("/regio/rmc-12/hello/excel/hello-groeten/").status_code == 404
    assert client.get("/regio/rmc-12/hello/excel/hello-groeten/export.xlsx").status_code == 404
    assert client.get("/regio/rmc-12/hello/").status_code == 404
    assert client.get("/regio/rmc-19/hello/excel/bestaat-niet/").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(URL).status_code == 302


def test_upload_without_a_file_is_a_form_error(editor_client):
    response = editor_client.post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Kies een bestand om te uploaden." in response.get_data(as_text=True)


def test_a_file_too_large_to_mark_gets_the_errors_without_a_marked_copy(app_factory):
    app = app_factory(EXCEL_MARK_MAX_ROWS=2)
    make_user(app, EDITOR, org="GM0344", role="editor")
    client = app.test_client()
    login(client, EDITOR)
    response = upload(client, openpyxl_file([row("Een", sent="x"), row("Twee"), row("Drie")]))
    page = client.get(response.headers["Location"])
    assert "D2: 'x' is geen geheel getal" in text_of(page)
    assert "gemarkeerd.xlsx" not in page.get_data(as_text=True)
    assert client.get(response.headers["Location"].replace("/fouten", "/gemarkeerd.xlsx")).status_code == 404
