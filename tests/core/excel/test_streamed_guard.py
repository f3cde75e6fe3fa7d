"""The size guard unpacks a workbook as a stream: what it refuses and accepts does not depend on where the
stream is cut, and a large sheet without a header is refused on a look at its first rows, before the rest
of it is unpacked."""
from __future__ import annotations

from decimal import Decimal

import pytest

from core.excel import safety
from core.excel.safety import RefusedFile, check_workbook

from .conftest import HEADER, counts, messages, openpyxl_file, row, run_import, upload
from .test_formatted_empty import with_tail

FAR_CELLS = [
    '<c r="XFD1048576"><v>1</v></c>',
    '<c r="A1048576"><v>1</v></c>',
    "<c r='XFD1048576'><v>1</v></c>",  # single quotes: walked tag by tag
    '<c r="XFD1048576" x=\'><c\'><v>1</v></c>',  # a quoted "><" inside the tag itself
    '<c t=">" r="XFD1048576"><v>1</v></c>',
]
ROW_MESSAGE = ("Werkblad 'Groeten' heeft gegevens tot rij 1.048.576; meer dan 200.000 rijen wordt niet gelezen. "
               "Splits het bestand.")


@pytest.mark.parametrize("chunk", [7, 13, 64, 1000])
@pytest.mark.parametrize("cell", FAR_CELLS)
def test_a_far_away_cell_is_found_wherever_the_stream_is_cut(monkeypatch, chunk, cell):
    data = with_tail(openpyxl_file([row()]), f'<row r="1048576">{cell}</row>')
    monkeypatch.setattr(safety, "CHUNK", chunk)
    with pytest.raises(RefusedFile, match="(kolom 16.384|rij 1.048.576)"):
        check_workbook(data)


@pytest.mark.parametrize("chunk", [7, 13, 64])
def test_a_formatted_empty_far_cell_passes_wherever_the_stream_is_cut(monkeypatch, chunk):
    data = with_tail(openpyxl_file([row()]), '<row r="1048576"><c r="XFD1048576" s="1"></c>'
                                             '<c r="XFC1048576" s="1"/></row>')
    monkeypatch.setattr(safety, "CHUNK", chunk)
    check_workbook(data)


def filler(rows: int, start: int = 3) -> str:
    """Formatted but empty rows, as LibreOffice writes them: megabytes of XML the reader skips."""
    return "".join(f'<row r="{r}"><c r="A{r}" s="1"/><c r="B{r}" s="1"/></row>' for r in range(start, start + rows))


LARGE = 120_000  # about 6 MB of sheet XML: over safety.DEFER_BYTES


def test_a_large_sheet_with_a_header_is_checked_whole_before_it_is_read(app, editor):
    data = with_tail(openpyxl_file([row()]), filler(LARGE) + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    before = counts(app)
    prepared = run_import(app, data)
    assert messages(prepared) == [ROW_MESSAGE]
    assert prepared.refused
    assert counts(app) == before


def test_a_large_sheet_of_formatted_empty_rows_after_the_data_imports(app, editor):
    prepared = run_import(app, with_tail(openpyxl_file([row("Grote groet")]), filler(LARGE)))
    assert prepared.ok and prepared.row_count == 1


def test_a_large_sheet_without_a_header_is_refused_for_its_header_and_offers_no_marked_copy(app, editor_client):
    numbers = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r * 2}</v></c></row>'
                      for r in range(3, LARGE))  # over safety.DEFER_BYTES of sheet XML, no header
    data = with_tail(openpyxl_file([[1, 2]], header=[1, 2]), numbers)
    before = counts(app)
    response = upload(editor_client, data)  # a large upload runs as a job (inline here) and ends on its page
    page = editor_client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "geen kopregel gevonden in werkblad &#39;Groeten&#39;" in page
    assert "verwacht de kolommen: " + HEADER[0] in page
    assert "gemarkeerd.xlsx" not in page
    assert counts(app) == before


@pytest.mark.parametrize("chunk", [5, 40])
def test_what_the_sheet_xml_says_is_read_wherever_the_stream_is_cut(app, editor, monkeypatch, chunk):
    from core.excel import sheetscan

    from .test_what_user_sees import workbook

    def edit(ws):
        ws["C2"] = "#REF!"
        ws["C2"].data_type = "e"
        ws["D3"] = "=SUM(X1:X3)"
        ws.merge_cells("A4:A5")
        ws.row_dimensions[6].hidden = True

    data = workbook([row("Een"), row("Twee"), row("Drie"), row("Vier"), row("Vijf")], edit)
    expected = messages(run_import(app, data))  # read in pieces of a megabyte: the whole sheet at once
    assert len(expected) == 4 and expected[3].startswith("Rij 6 is verborgen")
    assert expected[:3] == [
        "C2: foutwaarde #REF!; herstel de formule of vul een waarde in",
        "D3: formule zonder waarde; open het bestand in Excel en sla het op, of vul een waarde in",
        "A5: de cel is samengevoegd met A4; maak het samenvoegen ongedaan en vul elke cel"]
    monkeypatch.setattr(sheetscan, "CHUNK", chunk)
    assert messages(run_import(app, data)) == expected


@pytest.mark.parametrize("piece", [1, 9, 1 << 18])
def test_a_staged_upload_reads_back_the_same_wherever_its_payload_is_cut(app, editor_client, monkeypatch, piece):
    # the preview and the confirm read the staged rows a piece at a time: the same rows come back and are stored
    from core.excel import stage

    from .conftest import URL, greetings
    from .test_web import text_of, token_of

    rows = [row(f"Groet {i:02d}", budget=f"{i},25", sent=10 + i) for i in range(40)] + [row("Zonder", budget=None)]
    response = upload(editor_client, openpyxl_file(rows))
    monkeypatch.setattr(stage._Fields, "PIECE", piece)
    preview = text_of(editor_client.get(response.headers["Location"]))
    assert "Nieuw 41 Gewijzigd 0 Ongewijzigd 0" in preview
    assert "GM0344 (Gemeente Utrecht) 2024-2025 Groet 39 49 5 39,25" in preview
    done = editor_client.post(URL + f"{token_of(response)}/bevestigen")
    assert done.status_code == 303
    stored = {g["text"]: (g["sent"], g["budget"]) for g in greetings(app)}
    assert len(stored) == 41 and stored["Groet 39"] == (49, Decimal("39.25")) and stored["Zonder"][1] is None
