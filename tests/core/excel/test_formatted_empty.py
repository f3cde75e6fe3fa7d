"""Formatted but empty rows and cells (as LibreOffice and Excel write them below and beside the data) do not
count toward the row and cell limits; a limit that is hit names the sheet.

The XML is crafted the way LibreOffice Calc (row attributes, `<c r=".." s=".."/>`) and Excel
(`<row r="1048576" s="2" customFormat="1"/>`) write it; LibreOffice itself was not installed here.
"""
from __future__ import annotations

import io
import zipfile

import pytest

from core.cli import main
from core.excel.safety import Limits, sheet_extent

from .conftest import EDITOR, counts, greetings, openpyxl_file, row, run_import, xlsxwriter_file

LIBREOFFICE_TAIL = (
    '<row r="1048576" s="2" customFormat="true" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" '
    'collapsed="false"><c r="A1048576" s="3"/><c r="B1048576" s="3"/><c r="AMJ1048576" s="3"/></row>')
EXCEL_TAIL = ('<row r="200" s="2" customFormat="1"><c r="XFD200" s="3"/></row>'
              '<row r="1048576" s="2" customFormat="1"/>')
EMPTY_CLOSED = '<row r="500000"><c r="Z500000" s="1"></c></row>'


def with_tail(data: bytes, tail: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", tail.encode() + b"</sheetData>")
            target.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize("tail", [LIBREOFFICE_TAIL, EXCEL_TAIL, EMPTY_CLOSED])
@pytest.mark.parametrize("writer", [openpyxl_file, xlsxwriter_file])
def test_formatted_empty_rows_and_cells_do_not_count(app, editor, tail, writer):
    rows = [row(f"Groet {i}") for i in range(15)]
    prepared = run_import(app, with_tail(writer(rows), tail))
    assert [str(p) for p in prepared.problems] == []
    assert len(greetings(app)) == 15


def test_sheet_extent_ignores_formatted_empty_cells():
    xml = ('<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>' + LIBREOFFICE_TAIL + EXCEL_TAIL
           + EMPTY_CLOSED + "</sheetData>").encode()
    assert sheet_extent(xml) == (1, 1)
    odd = ('<x:sheetData><x:row><x:c><x:v>1</x:v></x:c></x:row><x:row r="900000"><x:c r="XFD900000" s="1"/>'
           '<x:c r="XFC900000"></x:c></x:row></x:sheetData>').encode()
    assert sheet_extent(odd) == (1, 1)  # the walk of odd files skips them too


def test_a_filled_cell_far_away_is_still_refused_naming_the_sheet(app, editor, tmp_path):
    data = with_tail(openpyxl_file([row("Een")]), '<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row>')
    before = counts(app)
    prepared = run_import(app, data)
    assert [str(p) for p in prepared.problems] == [
        "Werkblad 'Groeten' heeft gegevens tot rij 1.048.576; meer dan 200.000 rijen wordt niet gelezen. "
        "Splits het bestand."]
    assert counts(app) == before
    path = tmp_path / "ver.xlsx"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region",
                                                 "rmc-19", "--as", EDITOR])
    assert result.exit_code == 1 and "Werkblad 'Groeten' heeft gegevens tot rij 1.048.576" in result.stderr


def test_cli_imports_a_sheet_with_a_formatted_tail(app, editor, tmp_path):
    path = tmp_path / "opgemaakt.xlsx"
    path.write_bytes(with_tail(openpyxl_file([row("Een"), row("Twee")]), LIBREOFFICE_TAIL))
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region",
                                                 "rmc-19", "--as", EDITOR])
    assert result.exit_code == 0, result.output
    assert [g["text"] for g in greetings(app)] == ["Een", "Twee"]


def test_a_missing_header_is_found_before_the_whole_sheet_is_parsed(app, editor, monkeypatch):
    import python_calamine

    def whole_sheet(*_args, **_kwargs):
        raise AssertionError("the whole sheet was parsed")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", whole_sheet, raising=False)
    before = counts(app)
    prepared = run_import(app, xlsxwriter_file([["x"] * 3] * 50, ["Iets", "Anders", "Nog iets"]))
    assert [str(p) for p in prepared.problems][0].startswith(
        "A1: geen kopregel gevonden in werkblad 'Groeten' (de eerste 10 gevulde rijen)")
    assert counts(app) == before
