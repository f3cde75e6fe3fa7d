"""The Excel engine speaks the uploader's language: cell errors, refusals and the marked workbook.

Messages are made when the upload is checked, in the language of that request;
Dutch stays the default, and the command line (an app context without a
request) and code outside any app context get Dutch. The workbook's own text
(headers, Toelichting) stays Dutch in every language.
"""
from __future__ import annotations

import io

import openpyxl
from sqlalchemy import update

from core.i18n import COOKIE
from core.excel.safety import OLE_MAGIC

from .conftest import URL, counts, openpyxl_file, row, run_import, upload
from .test_web import text_of, token_of


def english(client):
    """Choose English with the switch in the header, as a user does."""
    assert client.post("/taal", data={"taal": "en", "next": "/"}).status_code == 302
    return client


def _errors(client, data: bytes, filename="groeten.xlsx") -> str:
    response = upload(client, data, filename=filename)
    assert response.status_code == 303 and response.headers["Location"].endswith("/fouten")
    return text_of(client.get(response.headers["Location"]))


WRONG = [row("Een"), row("Twee", sent="abc", budget=12.345, municipality="GM9999"), row("Drie", org="GM0310")]


def test_an_english_upload_gets_english_cell_errors(app, editor_client):
    english(editor_client)  # kept as the user's language (for e-mail): a write of its own
    before = counts(app)
    text = _errors(editor_client, openpyxl_file(WRONG))
    assert "4 errors in groeten.xlsx" in text
    assert "D3: 'abc' is not a whole number" in text
    assert "F3: '12.345' has more than 2 decimal places" in text  # the reader's decimal point
    assert "K3: municipality GM9999 does not exist" in text
    assert "A4: you may not enter greetings for GM0310 (Gemeente De Bilt)" in text
    assert "is geen" not in text and "u mag geen" not in text
    assert counts(app) == before


def test_a_dutch_upload_keeps_the_dutch_cell_errors(editor_client):
    text = _errors(editor_client, openpyxl_file(WRONG))
    assert "4 fouten in groeten.xlsx" in text
    assert "D3: 'abc' is geen geheel getal" in text
    assert "F3: '12,345' heeft meer dan 2 decimalen" in text
    assert "K3: gemeente GM9999 bestaat niet" in text
    assert "A4: u mag geen groeten invoeren voor GM0310 (Gemeente De Bilt)" in text


def test_header_problems_and_rules_in_english(editor_client):
    header = ["Organisatie", "Schooljaar", "Groet", "Verstuurd", "Beantwoord", "Kleur"]
    data = openpyxl_file([["GM0344", "2024-2025", "Hallo", 5, 9, "rood"]], header=header)
    text = _errors(english(editor_client), data)
    assert ("F1: unknown column 'Kleur'; allowed are: Organisatie, Schooljaar, Groet, Verstuurd, Beantwoord, "
            "Budget,") in text  # the headers themselves are the file's, so Dutch
    assert "E2: beantwoord (9) is more than verstuurd (5)" in text


def test_refused_files_are_refused_in_english(editor_client):
    english(editor_client)
    assert "This is an old Excel file (.xls); save it as an Excel workbook (.xlsx)." in _errors(
        editor_client, OLE_MAGIC + b"\0" * 512, filename="groeten.xls")
    assert "The file is empty (0 bytes)." in _errors(editor_client, b"")
    assert "Files with macros (.xlsm) are not accepted" in _errors(
        editor_client, openpyxl_file([row()]), filename="groeten.xlsm")


def test_refused_files_are_refused_in_dutch_by_default(editor_client):
    assert "Dit is een oud Excel-bestand (.xls); sla het op als Excel-werkmap (.xlsx)." in _errors(
        editor_client, OLE_MAGIC + b"\0" * 512, filename="groeten.xls")
    assert "Het bestand is leeg (0 bytes)." in _errors(editor_client, b"")


def test_the_marked_workbook_of_an_english_upload(editor_client):
    response = upload(english(editor_client), openpyxl_file([row("Een"), row("Twee", sent="abc")]))
    marked = editor_client.get(response.headers["Location"].replace("/fouten", "/gemarkeerd.xlsx"))
    wb = openpyxl.load_workbook(io.BytesIO(marked.data))
    assert wb["Groeten"]["D3"].comment.text == "'abc' is not a whole number"
    # the errors sheet keeps its name, like Toelichting; its headings follow the reader
    assert [tuple(r) for r in wb["Fouten"].iter_rows(values_only=True)] == [
        ("Cell", "Error"), ("D3", "'abc' is not a whole number")]


def test_a_commit_refused_after_a_change_says_so_in_english(app, editor_client):
    from core.db import db_session
    from tests.plugins.hello.models import Greeting

    english(editor_client)
    editor_client.post(URL + f"{token_of(upload(editor_client, openpyxl_file([row('Een')])))}/bevestigen")
    response = upload(editor_client, openpyxl_file([row("Een", sent=20)]))
    with app.app_context():  # someone else changes the row in between
        session = db_session()
        session.execute(update(Greeting).values(sent=15))
        session.commit()
    refused = editor_client.post(URL + f"{token_of(response)}/bevestigen")
    assert refused.status_code == 409
    assert "The data has changed since you uploaded the file; upload the file again" in text_of(refused)


def test_the_sheet_page_explains_the_columns_in_english_but_the_template_stays_dutch(editor_client):
    text = text_of(english(editor_client).get(URL))
    assert "Greetings per organisation and school year." in text and "The greeting itself." in text
    assert "Groet" in text  # the header to type in the file
    template = editor_client.get(URL + "sjabloon.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(template.data))
    explanation = "\n".join(str(c.value) for r in wb["Toelichting"].iter_rows() for c in r if c.value)
    assert "Groeten per organisatie en schooljaar." in explanation and "De groet zelf." in explanation
    assert "The greeting itself." not in explanation


def test_the_command_line_gets_dutch(app, editor):
    prepared = run_import(app, openpyxl_file([row("Een", sent="abc")]), commit=False)
    assert [str(p) for p in prepared.problems] == ["D2: 'abc' is geen geheel getal"]


def test_messages_outside_an_app_context_are_dutch_and_follow_a_request(app):
    from core.excel.cells import Invalid, parse_integer
    from core.excel.safety import RefusedFile, check_workbook

    def reason(call):
        try:
            call()
        except (Invalid, RefusedFile) as exc:
            return str(exc)
        raise AssertionError("no error")

    assert reason(lambda: parse_integer("abc")) == "'abc' is geen geheel getal"
    assert reason(lambda: check_workbook(b"")) == "Het bestand is leeg (0 bytes)."
    with app.test_request_context(headers={"Cookie": f"{COOKIE}=en"}):
        assert reason(lambda: parse_integer("abc")) == "'abc' is not a whole number"
        assert reason(lambda: check_workbook(b"")) == "The file is empty (0 bytes)."
    with app.app_context():
        assert reason(lambda: parse_integer("abc")) == "'abc' is geen geheel getal"
