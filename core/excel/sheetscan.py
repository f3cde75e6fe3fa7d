"""What the reader does not say about a sheet, read from its XML: hidden rows, error values, formulas without a
stored value, merged cells.

python-calamine hands over an empty string for a formula whose result was
never stored (a file written by a program, not saved in Excel) and for an
error value (#REF!, #N/A); a hidden row (by the user or an autofilter) looks
like any other. This pass over the worksheet XML finds them, so a message
can say what the user sees and hidden rows are never stored without a word.
Call only on data that passed `safety.check_workbook` (no DTD, bounded size)
and was normalised (standard part names).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterator

from flask_babel import gettext as _

_SHEET = re.compile(rb"""<(?:\w+:)?sheet\b[^>]*?\bname\s*=\s*["']([^"']*)["'][^>]*?\br:id\s*=\s*["']([^"']*)["']""")
_SHEET_ID_FIRST = re.compile(rb"""<(?:\w+:)?sheet\b[^>]*?\br:id\s*=\s*["']([^"']*)["'][^>]*?\bname\s*=\s*["']([^"']*)["']""")
_REL = re.compile(rb"""<(?:\w+:)?Relationship\b([^>]*)>""")
_ATTR = re.compile(rb"""(\w+)\s*=\s*["']([^"']*)["']""")
_HIDDEN_ROW = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"|"""
                         rb"""<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)\"""")
_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>\s*"""
                         rb"""(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?\s*"""
                         rb"""<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>""")
_FORMULA_NO_VALUE = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>/]*>\s*"""
                               rb"""(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)\s*"""
                               rb"""(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>""")
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)\"""")
MERGED_CELLS_KEPT = 100_000  # a merge over a whole column would otherwise list a million cells


def _column(letters: bytes) -> int:
    """'A' -> 0 (0-based, as the reader's columns)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


@dataclass
class SheetScan:
    hidden_rows: frozenset[int] = frozenset()
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, 0-based col) -> "#REF!"
    formulas: frozenset[tuple[int, int]] = frozenset()  # formulas without a stored value
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # cell -> its merge's top-left


def sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip entry that holds the worksheet named `sheet_name` (via workbook.xml and its relationships)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    workbook = archive.read("xl/workbook.xml")
    wanted = None
    for match in _SHEET.finditer(workbook):
        if _unescape(match.group(1)) == sheet_name:
            wanted = match.group(2)
    if wanted is None:
        for match in _SHEET_ID_FIRST.finditer(workbook):
            if _unescape(match.group(2)) == sheet_name:
                wanted = match.group(1)
    if wanted is None:
        return None
    for match in _REL.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        attrs = dict(_ATTR.findall(match.group(1)))
        if attrs.get(b"Id") == wanted and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8", "replace").replace("\\", "/")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return part if part in names else None
    return None


def part_title(archive: zipfile.ZipFile, part: str) -> str | None:
    """The name of the worksheet stored in `part` (compared in standard spelling, lower case), or None."""
    try:
        entries = {n.replace("\\", "/").lstrip("/").lower(): n for n in archive.namelist()}
        if "xl/workbook.xml" not in entries or "xl/_rels/workbook.xml.rels" not in entries:
            return None
        targets = {}
        for match in _REL.finditer(archive.read(entries["xl/_rels/workbook.xml.rels"])):
            attrs = dict(_ATTR.findall(match.group(1)))
            if b"Id" in attrs and b"Target" in attrs:
                target = attrs[b"Target"].decode("utf-8", "replace").replace("\\", "/")
                targets[attrs[b"Id"]] = (target.lstrip("/") if target.startswith("/")
                                         else posixpath.normpath(posixpath.join("xl", target))).lower()
        workbook = archive.read(entries["xl/workbook.xml"])
        for match in _SHEET.finditer(workbook):
            if targets.get(match.group(2)) == part:
                return _unescape(match.group(1))
        for match in _SHEET_ID_FIRST.finditer(workbook):
            if targets.get(match.group(1)) == part:
                return _unescape(match.group(2))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None
    return None


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


CHUNK = 1 << 20
_CUTS = (b"<c ", b"<c>", b"<row ", b"<row>")


def _pieces(stream) -> Iterator[bytes]:
    """The worksheet XML in pieces of about CHUNK bytes that end where a cell or a row begins, so every
    pattern of this module (one tag, or one cell from `<c` to `</c>`) lies whole in one piece."""
    buffer = bytearray()
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        start = max(len(buffer) - 6, 0)
        buffer += chunk
        cut = max(buffer.rfind(form, start) for form in _CUTS)
        if cut > 0:
            yield bytes(buffer[:cut])
            del buffer[:cut]
    if buffer:
        yield bytes(buffer)


def scan_sheet(data: bytes, sheet_name: str) -> SheetScan:
    """Hidden rows, error values, formulas without a value and merged cells of one worksheet.

    The sheet is read as a stream (one piece of about CHUNK bytes at a time), never whole."""
    hidden: set[int] = set()
    formulas: set[tuple[int, int]] = set()
    scan = SheetScan()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = sheet_part(archive, sheet_name)
        if part is None:
            return SheetScan()
        with archive.open(part) as stream:
            for content in _pieces(stream):
                _scan_piece(content, scan, hidden, formulas)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return SheetScan()
    scan.hidden_rows = frozenset(hidden)
    scan.formulas = frozenset(formulas)
    return scan


def _scan_piece(content: bytes, scan: SheetScan, hidden: set, formulas: set) -> None:
    if b"hidden=" in content:
        hidden.update(int(m.group(1) or m.group(2)) for m in _HIDDEN_ROW.finditer(content))
    if b't="e"' in content:
        scan.errors.update({(int(m.group(2)), _column(m.group(1))): m.group(3).decode("utf-8", "replace").strip()
                            for m in _ERROR_CELL.finditer(content)})
    if b"<f" in content or b":f" in content:
        formulas.update((int(m.group(2)), _column(m.group(1))) for m in _FORMULA_NO_VALUE.finditer(content))
    if b"mergeCell" in content:
        for m in _MERGE.finditer(content):
            top, left = int(m.group(2)), _column(m.group(1))
            bottom, right = int(m.group(4)), _column(m.group(3))
            if (bottom - top + 1) * (right - left + 1) > MERGED_CELLS_KEPT - len(scan.merged):
                continue
            for row in range(top, bottom + 1):
                for col in range(left, right + 1):
                    if (row, col) != (top, left):
                        scan.merged[(row, col)] = (top, left)


def empty_cell_reason(scan: SheetScan, row: int, col: int, cell_name) -> str | None:
    """Why a cell the reader saw as empty is not empty to the user (None when it really is empty).

    `cell_name(row, col)` gives a cell's reference ("C17") for a merge's top-left cell.
    """
    error = scan.errors.get((row, col))
    if error is not None:
        return _("foutwaarde %(value)s; herstel de formule of vul een waarde in", value=error)
    if (row, col) in scan.formulas:
        return _("formule zonder waarde; open het bestand in Excel en sla het op, of vul een waarde in")
    anchor = scan.merged.get((row, col))
    if anchor is not None:
        return _("de cel is samengevoegd met %(cell)s; maak het samenvoegen ongedaan en vul elke cel",
                 cell=cell_name(*anchor))
    return None
