"""Rows hidden by the user or by an autofilter are never stored without a word: refused until the uploader
chooses (upload form, `regio import --hidden=`) or the sheet declares what to do."""
from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest
import xlsxwriter

from core.cli import main

from .conftest import EDITOR, HEADER, URL, counts, greetings, row, run_import, upload
from .test_web import text_of, token_of


def openpyxl_hidden(rows, hidden, *, autofilter=False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Groeten"
    ws.append(HEADER)
    for values in rows:
        ws.append(values)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    if autofilter:  # rows a filter hides carry hidden="1" in the sheet XML, like rows hidden by hand
        ws.auto_filter.ref = f"A1:K{len(rows) + 1}"
        ws.auto_filter.add_filter_column(2, ["Een"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsxwriter_hidden(rows, hidden) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("Groeten")
    ws.write_row(0, 0, HEADER)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if value is not None:
                ws.write(r, c, value)
    ws.autofilter(0, 0, len(rows), len(HEADER) - 1)
    ws.filter_column(2, "x == Een")
    for r in hidden:
        ws.set_row(r - 1, None, None, {"hidden": True})
    wb.close()
    return out.getvalue()


ROWS = [row("Een"), row("Twee"), row("Drie")]


@pytest.mark.parametrize("make", [lambda: openpyxl_hidden(ROWS, [3, 4]),
                                  lambda: openpyxl_hidden(ROWS, [3, 4], autofilter=True),
                                  lambda: xlsxwriter_hidden(ROWS, [3, 4])])
def test_hidden_rows_are_refused_without_a_choice(app, editor, make):
    before = counts(app)
    prepared = run_import(app, make())
    assert [str(p) for p in prepared.problems] == [
        "2 rijen zijn verborgen (door een filter of met de hand): 3 en 4; kies of verborgen rijen worden "
        "geïmporteerd of overgeslagen, of maak ze zichtbaar."]
    assert counts(app) == before


def test_hidden_rows_imported_or_skipped_by_choice(app, editor):
    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region
    from sqlalchemy import select

    data = openpyxl_hidden(ROWS, [3])
    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EDITOR))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        skipped = engine.prepare_import(session, spec=spec, instrument="hello", region=region, user=user, data=data,
                                        filename="x.xlsx", config=app.config, hidden="skip")
        assert skipped.ok and skipped.hidden_rows == [3] and len(skipped.diff.new) == 2
        imported = engine.prepare_import(session, spec=spec, instrument="hello", region=region, user=user,
                                         data=data, filename="x.xlsx", config=app.config, hidden="import")
        assert imported.ok and len(imported.diff.new) == 3
        declared = dataclasses.replace(spec, hidden_rows="skip")
        by_sheet = engine.prepare_import(session, spec=declared, instrument="hello", region=region, user=user,
                                         data=data, filename="x.xlsx", config=app.config)
        assert by_sheet.ok and len(by_sheet.diff.new) == 2
        session.rollback()


def test_web_refuses_then_skips_by_choice(app, editor_client):
    data = openpyxl_hidden(ROWS, [3])
    before = counts(app)
    refused = upload(editor_client, data)
    text = text_of(editor_client.get(refused.headers["Location"]))
    assert "Rij 3 is verborgen (door een filter of met de hand)" in text
    assert counts(app) == before
    response = editor_client.post(URL, data={"file": (io.BytesIO(data), "groeten.xlsx"), "hidden": "skip"},
                                  content_type="multipart/form-data")
    preview = editor_client.get(response.headers["Location"])
    assert "1 verborgen rij wordt overgeslagen: 3." in text_of(preview)
    assert editor_client.post(URL + f"{token_of(response)}/bevestigen").status_code == 303
    assert [g["text"] for g in greetings(app)] == ["Drie", "Een"]


def test_sheet_page_offers_the_choice(editor_client):
    html = editor_client.get(URL).get_data(as_text=True)
    assert 'name="hidden"' in html and 'value="skip"' in html and 'value="import"' in html


def test_cli_refuses_by_default_and_imports_with_the_option(app, editor, tmp_path):
    path = tmp_path / "verborgen.xlsx"
    path.write_bytes(xlsxwriter_hidden(ROWS, [2]))
    runner = app.test_cli_runner()
    args = ["import", "hello", "hello-groeten", str(path), "--region", "rmc-19", "--as", EDITOR]
    before = counts(app)
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    assert "Rij 2 is verborgen (door een filter of met de hand)" in refused.stderr
    assert counts(app) == before
    done = runner.invoke(main, [*args, "--hidden=import"])
    assert done.exit_code == 0, done.output
    assert "1 verborgen rij wordt geïmporteerd: 2." in done.stdout
    assert [g["text"] for g in greetings(app)] == ["Drie", "Een", "Twee"]
