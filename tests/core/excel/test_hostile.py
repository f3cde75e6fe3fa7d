"""Hostile and unsupported files are refused with a Dutch message: no crash, no write."""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest

from core.excel.safety import Limits, RefusedFile, check_workbook, sheet_extent
from core.testing import make_user

from .conftest import EDITOR, counts, messages, openpyxl_file, row, run_import, upload


def valid() -> bytes:
    return openpyxl_file([row()])


def rezip(data: bytes, replace: dict | None = None, add: dict | None = None, compresslevel=6) -> bytes:
    """Copy a workbook's zip, replacing or adding entries."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in replace:
                content = replace[info.filename](content) if callable(replace[info.filename]) else replace[info.filename]
            target.writestr(info.filename, content)
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid-looking workbook whose sheet unpacks 1000:1 (20 MB of zeros in 20 KB)."""
    return rezip(valid(), replace={"xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)}, compresslevel=9)


def lying_sizes() -> bytes:
    """The zip's directory claims the sheet is 600 bytes; the data unpacks to 20 MB."""
    data = bytearray(rezip(valid(), replace={"xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024)}))
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        for match in re.finditer(re.escape(signature), bytes(data)):
            start = match.start()
            name_offset = start + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_offset:name_offset + len(name)]) == name:
                struct.pack_into("<I", data, start + offset, 600)
    return bytes(data)


def many_entries() -> bytes:
    return rezip(valid(), add={f"xl/media/image{i}.png": b"x" for i in range(1100)})


def body(xml: bytes) -> bytes:
    """An XML part without its declaration (openpyxl writes none, others do)."""
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def billion_laughs() -> bytes:
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    return rezip(valid(), replace={"xl/worksheets/sheet1.xml": lambda xml: lol.encode() + body(xml)
                                   .replace(b"<v>10</v>", b"<v>&lol3;</v>")})


def external_entity() -> bytes:
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return rezip(valid(), replace={"xl/workbook.xml": lambda xml: doctype + body(xml)})


def utf16_xml() -> bytes:
    return rezip(valid(), replace={"xl/workbook.xml": lambda xml: xml.decode().encode("utf-16")})


def macro_workbook() -> bytes:
    return rezip(valid(), replace={"[Content_Types].xml": lambda xml: xml.replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")},
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake VBA"})


def legacy_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 1000


def encrypted() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1000


def sparse_sheet(last_cell: str) -> bytes:
    """Two cells, at A1 and far away: calamine would allocate the whole grid between them."""
    return rezip(valid(), replace={"xl/worksheets/sheet1.xml": lambda xml: xml.replace(
        b"</sheetData>", f'<row r="{re.sub("[A-Z]", "", last_cell)}"><c r="{last_cell}" t="n"><v>1</v></c></row>'
                         f'</sheetData>'.encode())})


CSV = "Organisatie;Schooljaar;Groet\nGM0344;2024-2025;Hallo\n".encode("utf-8")
XLSX_MESSAGE = "Het bestand is beschadigd of onvolledig (geen geldig .xlsx-bestand)."
BOMB = ("Het bestand pakt uit tot een verdacht grote hoeveelheid gegevens (mogelijk een zip-bom) en wordt "
        "niet geopend.")
DTD = ("Het bestand bevat XML-declaraties (DTD of entiteiten) die niet zijn toegestaan; sla het opnieuw op als "
       "gewone Excel-werkmap (.xlsx).")
MACRO = ("Het bestand bevat macro's (VBA); die worden niet geaccepteerd. Sla het op als Excel-werkmap (.xlsx) "
         "zonder macro's.")

HOSTILE = {
    "empty": (lambda: b"", "groeten.xlsx", "Het bestand is leeg (0 bytes)."),
    "zip bomb": (zip_bomb, "groeten.xlsx", BOMB),
    # the unpacking stops at the declared size, and then the checksum no longer matches
    "zip bomb with lying sizes": (lying_sizes, "groeten.xlsx", XLSX_MESSAGE),
    "too many zip entries": (many_entries, "groeten.xlsx",
                             "Het bestand bevat te veel onderdelen (1.109); dit is geen gewone Excel-werkmap."),
    "billion laughs": (billion_laughs, "groeten.xlsx", DTD),
    "external entity": (external_entity, "groeten.xlsx", DTD),
    "utf-16 xml": (utf16_xml, "groeten.xlsx",
                   "Het bestand bevat XML in een niet-ondersteunde tekencodering (UTF-16)."),
    "xlsm by name": (valid, "groeten.xlsm",
                     "Bestanden met macro's (.xlsm) worden niet geaccepteerd; sla het op als Excel-werkmap (.xlsx)."),
    "macros renamed to xlsx": (macro_workbook, "groeten.xlsx", MACRO),
    "legacy xls": (legacy_xls, "groeten.xls",
                   "Dit is een oud Excel-bestand (.xls); sla het op als Excel-werkmap (.xlsx)."),
    "encrypted": (encrypted, "groeten.xlsx",
                  "Het bestand is met een wachtwoord beveiligd (versleuteld); haal de beveiliging weg en sla het op "
                  "als .xlsx."),
    "csv renamed": (lambda: CSV, "groeten.xlsx",
                    "Dit is een tekst- of CSV-bestand, geen Excel-werkmap; open het in Excel en sla het op als .xlsx."),
    "binary junk": (lambda: bytes(range(256)) * 4, "groeten.xlsx", "Dit is geen Excel-werkmap (.xlsx)."),
    "truncated zip": (lambda: valid()[: len(valid()) // 2], "groeten.xlsx", XLSX_MESSAGE),
    "broken sheet xml": (lambda: rezip(valid(), replace={"xl/worksheets/sheet1.xml": lambda xml: xml.replace(
        b"</sheetData>", b"<row r='3'><c r='A3' t='s'><v>999</v></c></row></sheetData")}), "groeten.xlsx",
        "Het werkblad kon niet worden gelezen; het bestand is beschadigd."),
    "broken workbook xml": (lambda: rezip(valid(), replace={"xl/workbook.xml": b"<workbook><sheets><sheet"}),
                            "groeten.xlsx", "Het bestand kon niet als Excel-werkmap worden gelezen; het is "
                                            "beschadigd of geen .xlsx-bestand."),
    "zip without a workbook": (lambda: rezip(b"PK\x05\x06" + b"\0" * 18, add={"a.txt": b"x"}), "groeten.xlsx",
                               "Dit is geen Excel-werkmap (.xlsx): de onderdelen van een werkmap ontbreken."),
    "ods renamed": (lambda: rezip(b"PK\x05\x06" + b"\0" * 18, add={"mimetype": b"application/vnd.oasis."
                                  b"opendocument.spreadsheet", "content.xml": b"<x/>"}), "groeten.xlsx",
                    "Dit is een OpenDocument-werkblad (.ods); sla het op als Excel-werkmap (.xlsx)."),
    "sparse sheet up to XFD1048576": (lambda: sparse_sheet("XFD1048576"), "groeten.xlsx",
                                      "Werkblad 'Groeten' heeft gegevens tot kolom 16.384; meer dan 200 kolommen wordt niet "
                                      "gelezen. Verwijder lege of overbodige kolommen."),
    "sparse sheet up to A1048576": (lambda: sparse_sheet("A1048576"), "groeten.xlsx",
                                    "Werkblad 'Groeten' heeft gegevens tot rij 1.048.576; meer dan 200.000 rijen wordt niet "
                                    "gelezen. Splits het bestand."),
    "sparse sheet up to CV190000": (lambda: sparse_sheet("CV190000"), "groeten.xlsx",
                                    "Werkblad 'Groeten' beslaat 190.000 rijen bij 100 kolommen; dat is te groot om te lezen. "
                                    "Verwijder lege rijen en kolommen of splits het bestand."),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_file_is_refused_without_writing(app, editor, kind):
    make, filename, expected = HOSTILE[kind]
    before = counts(app)
    prepared = run_import(app, make(), filename=filename)
    assert messages(prepared) == [expected]
    assert prepared.refused
    assert counts(app) == before


@pytest.mark.parametrize("kind", ["zip bomb", "billion laughs", "macros renamed to xlsx", "truncated zip", "empty",
                                  "sparse sheet up to XFD1048576"])
def test_hostile_upload_shows_the_message_and_offers_no_marked_copy(app, editor_client, kind):
    make, filename, expected = HOSTILE[kind]
    before = counts(app)
    response = upload(editor_client, make(), filename)
    assert response.status_code == 303
    page = editor_client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert expected.replace("'", "&#39;") in html
    assert "gemarkeerd.xlsx" not in html
    assert counts(app) == before


def test_file_over_the_upload_limit(app_factory):
    app = app_factory(MAX_CONTENT_LENGTH=50_000)
    make_user(app, EDITOR, org="GM0344", role="editor")
    big = openpyxl_file([row(f"Groet {i}", mood=None) for i in range(3000)])
    assert len(big) > 50_000
    prepared = run_import(app, big)
    assert messages(prepared) == ["Het bestand is groter dan 49 kB; dat is de grens voor uploads."]
    client = app.test_client()
    from core.testing import login

    login(client, EDITOR)
    response = upload(client, big)
    assert response.status_code == 413
    assert "Bestand te groot" in response.get_data(as_text=True)


def test_the_zip_check_refuses_a_large_bomb_before_any_parser_sees_it():
    # 200 MB of zeros deflated to about 200 KB, declared honestly: refused from the zip directory alone
    stream = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    deflated = b"".join(stream.compress(chunk) for _ in range(200)) + stream.flush()
    assert len(deflated) < 300_000
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(valid())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
    bomb = _with_raw_entry(out.getvalue(), "xl/worksheets/sheet1.xml", deflated, 200 << 20, 0)
    with pytest.raises(RefusedFile, match="zip-bom"):
        check_workbook(bomb)


def _with_raw_entry(zip_bytes: bytes, name: str, deflated: bytes, size: int, crc: int) -> bytes:
    """Append a deflated entry with the given declared size to a zip (rewriting its central directory)."""
    source = zipfile.ZipFile(io.BytesIO(zip_bytes))
    out = io.BytesIO()
    entries = []
    for info in source.infolist():
        raw = source.read(info.filename)
        offset = out.tell()
        packed = zlib.compressobj(6, zlib.DEFLATED, -15)
        comp = packed.compress(raw) + packed.flush()
        entries.append((info.filename.encode(), offset, len(comp), len(raw), zlib.crc32(raw)))
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, zlib.crc32(raw), len(comp), len(raw),
                              len(info.filename), 0) + info.filename.encode() + comp)
    offset = out.tell()
    entries.append((name.encode(), offset, len(deflated), size, crc))
    out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(name), 0)
              + name.encode() + deflated)
    directory = out.tell()
    for fname, off, csize, usize, ecrc in entries:
        out.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, ecrc, csize, usize,
                              len(fname), 0, 0, 0, 0, 0, off) + fname)
    end = out.tell()
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), end - directory,
                          directory, 0))
    return out.getvalue()


def test_sheet_extent_walks_cells_without_addresses():
    # some writers leave out r="..." on rows and cells: they are placed one after another
    xml = (b'<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row r="7"><c><v>1</v></c><c r="E7"><v>1</v></c>'
           b'<c><v>1</v></c></row></sheetData>')
    assert sheet_extent(xml) == (7, 6)


def test_sheet_extent_of_ordinary_files():
    xml = (b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="K1"><v>1</v></c></row><row r="3"><c r="B3">'
           b'<v>1</v></c></row></sheetData>')
    assert sheet_extent(xml) == (3, 11)
    wide = b'<sheetData><row r="2"><c r="A2"><v>1</v></c><c r="AB2"><v>1</v></c></row></sheetData>'
    assert sheet_extent(wide) == (2, 28)


@pytest.mark.parametrize("cell", [
    '<c r="XFD1048576"><v>1</v></c>',  # the plain form
    '<c\nr="XFD1048576"><v>1</v></c>',  # other whitespace
    "<c r='XFD1048576'><v>1</v></c>",  # single quotes
    '<c s="0" r="XFD1048576"><v>1</v></c>',  # the address not first
    '<c t=">" r="XFD1048576"><v>1</v></c>',  # a '>' inside another attribute
    '<c r="xfd1048576"><v>1</v></c>',  # lower case
    '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFD1048576"><x:v>1</x:v></x:c>',
])
def test_far_away_cells_are_found_however_they_are_spelled(cell):
    data = rezip(valid(), replace={"xl/worksheets/sheet1.xml": lambda xml: xml.replace(
        b"</sheetData>", f'<row r="1048576">{cell}</row></sheetData>'.encode())})
    with pytest.raises(RefusedFile, match="(kolom 16.384|rij 1.048.576)"):
        check_workbook(data)
