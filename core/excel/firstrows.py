"""A streamed first look at a sheet: the text of its first rows, read without parsing the whole sheet.

python-calamine parses a worksheet whole (a 94 MB sheet: 15 s and 400 MB)
before the reader can see that its header is missing. This reads the sheet
part as a stream and stops after the first rows with content, resolving
shared strings only up to the highest index those rows use. Call only on
data that passed `safety.check_workbook` and was normalised.
"""
from __future__ import annotations

import io
import re
import zipfile

from core.excel.sheetscan import _unescape, sheet_part

CHUNK = 1 << 16
MAX_BYTES = 4 << 20  # never read more than this of the sheet for its first rows
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_TYPE = re.compile(rb"""\bt\s*=\s*["']([^"']*)["']""")
_V = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>")
_VALUE = re.compile(rb"<(?:\w+:)?[vt]\b[^>]*>[^<\s]")  # a cell with something in it
_SI_END = re.compile(rb"</(?:\w+:)?si>")


def first_rows(data: bytes, sheet_name: str, wanted: int) -> list[list[str]] | None:
    """The text cells of the first `wanted` rows with content (None when this quick look cannot tell)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = sheet_part(archive, sheet_name)
        if part is None:
            return None
        buffer = b""
        rows: list[list[tuple[bytes, bytes]]] = []
        with archive.open(part) as stream:
            start = buffer.find(b"<sheetData")
            while len(rows) < wanted and len(buffer) < MAX_BYTES:
                chunk = stream.read(CHUNK)
                buffer += chunk
                start = buffer.find(b"<sheetData")
                if start < 0:
                    if not chunk:
                        return None
                    continue
                rows = []
                for match in _ROW.finditer(buffer, start):
                    cells = [(c.group(1), c.group(2) or b"") for c in _CELL.finditer(match.group(1) or b"")]
                    if any(_VALUE.search(body) for _attrs, body in cells):
                        rows.append(cells)
                if not chunk:
                    break
        if len(rows) < wanted and len(buffer) >= MAX_BYTES:
            return None
        rows = rows[:wanted]
        needed = set()
        for cells in rows:
            for attrs, body in cells:
                kind = _TYPE.search(attrs)
                if kind and kind.group(1) == b"s" and (v := _V.search(body)):
                    needed.add(int(v.group(1)))
        strings = _shared_strings(archive, max(needed) if needed else -1)
        if strings is None:
            return None
        out = []
        for cells in rows:
            texts = []
            for attrs, body in cells:
                kind = _TYPE.search(attrs)
                kind = kind.group(1) if kind else b"n"
                if kind == b"s" and (v := _V.search(body)):
                    texts.append(strings[int(v.group(1))] if int(v.group(1)) < len(strings) else "")
                elif kind in (b"inlineStr", b"str"):
                    texts.append(_unescape(b"".join(_T.findall(body)) if kind == b"inlineStr"
                                           else b"".join(_V.findall(body))))
            out.append(texts)
        return out
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None


def _shared_strings(archive: zipfile.ZipFile, last: int) -> list[str] | None:
    if last < 0:
        return []
    if "xl/sharedStrings.xml" not in archive.namelist():
        return None
    strings: list[str] = []
    buffer = b""
    with archive.open("xl/sharedStrings.xml") as stream:
        while len(strings) <= last:
            chunk = stream.read(CHUNK)
            buffer += chunk
            position = 0
            for end in _SI_END.finditer(buffer):
                item = buffer[position:end.start()]
                strings.append(_unescape(b"".join(_T.findall(item))))
                position = end.end()
                if len(strings) > last:
                    break
            buffer = buffer[position:]
            if not chunk or len(buffer) > MAX_BYTES:
                break
    return strings if len(strings) > last else None
