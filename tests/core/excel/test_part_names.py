"""Workbooks whose zip part names use backslashes or a leading slash (some Windows tools) are read; the guards
still see every part."""
from __future__ import annotations

import io
import zipfile

import pytest

from core.cli import main
from core.excel.safety import Limits, RefusedFile, check_workbook

from .conftest import EDITOR, URL, counts, greetings, openpyxl_file, row, run_import, upload, xlsxwriter_file
from .test_web import token_of


def renamed(data: bytes, rename) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(rename(info.filename), source.read(info))
    return out.getvalue()


def backslashes(name: str) -> str:
    return name.replace("/", "\\")


def at_root(name: str) -> str:
    return "/" + name


@pytest.mark.parametrize("rename", [backslashes, at_root])
@pytest.mark.parametrize("writer", [openpyxl_file, xlsxwriter_file])
def test_odd_part_names_are_read(app, editor, rename, writer):
    data = renamed(writer([row("Een"), row("Twee")]), rename)
    assert "xl\\workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist() or rename is at_root
    prepared = run_import(app, data)
    assert [str(p) for p in prepared.problems] == []
    assert [g["text"] for g in greetings(app)] == ["Een", "Twee"]


def test_web_upload_with_backslash_names_previews_and_stores(app, editor_client):
    response = upload(editor_client, renamed(openpyxl_file([row("Een")]), backslashes))
    assert response.headers["Location"].endswith(f"/{token_of(response)}/")
    assert editor_client.post(URL + f"{token_of(response)}/bevestigen").status_code == 303
    assert [g["text"] for g in greetings(app)] == ["Een"]


def test_cli_imports_backslash_names(app, editor, tmp_path):
    path = tmp_path / "windows.xlsx"
    path.write_bytes(renamed(openpyxl_file([row("Een")]), backslashes))
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region",
                                                 "rmc-19", "--as", EDITOR])
    assert result.exit_code == 0, result.output
    assert [g["text"] for g in greetings(app)] == ["Een"]


def test_guards_see_a_backslash_sheet(app, editor):
    """The extent guard applies to xl\\worksheets\\sheet1.xml as it does to xl/worksheets/sheet1.xml."""
    data = renamed(openpyxl_file([row("Een")]), backslashes)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl\\worksheets\\sheet1.xml":
                content = content.replace(b"</sheetData>", b'<row r="900000"><c r="A900000"><v>1</v></c></row>'
                                                           b"</sheetData>")
            target.writestr(info.filename, content)
    with pytest.raises(RefusedFile, match="rij 900.000"):
        check_workbook(out.getvalue(), "x.xlsx", Limits())
    before = counts(app)
    assert run_import(app, out.getvalue()).refused
    assert counts(app) == before


def test_two_parts_with_one_name_are_refused(app, editor):
    data = openpyxl_file([row("Een")])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl\\worksheets\\sheet1.xml", source.read("xl/worksheets/sheet1.xml"))
    before = counts(app)
    prepared = run_import(app, out.getvalue())
    assert prepared.refused and "beschadigd" in str(prepared.problems[0])
    assert counts(app) == before


def test_the_marked_copy_of_a_backslash_workbook_opens(app, editor_client):
    import openpyxl

    response = upload(editor_client, renamed(openpyxl_file([row("Een", sent="abc")]), backslashes))
    assert response.headers["Location"].endswith("/fouten")
    marked = editor_client.get(response.headers["Location"].replace("/fouten", "/gemarkeerd.xlsx"))
    assert marked.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(marked.data)).active
    assert sheet["D2"].comment is not None
