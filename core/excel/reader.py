"""Reading an uploaded workbook with python-calamine: pick the sheet, find and match the header, stream rows.

Always call `safety.check_workbook` first: calamine itself limits neither
decompression nor the grid it allocates.

* The data sheet is the visible worksheet named like the declared title, or
  else the first visible worksheet that is not the explanation or lists sheet.
* The header is the row among the first ten with the most recognised
  headers, so a title row above it (bold, merged) is fine. Headers match
  leniently: case, spaces, accents and punctuation do not matter.
* Rows are streamed as (row number, values by column key); fully empty rows
  are skipped, and so are trailing empty columns. Positions come from the
  cells themselves, never from the sheet's declared dimension.
"""
from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from typing import Any, Iterator

import python_calamine
from flask_babel import gettext as _

from core.excel.firstrows import first_rows
from core.excel.safety import RefusedFile
from core.excel.sheetscan import SheetScan, scan_sheet
from core.excel.spec import Column, SheetSpec, normalise_header
from core.i18n import grouped

MARKER_SHEET = "_regioplatform"
MARKER_TAG = "regioplatform-sjabloon"
EXPLANATION_SHEET = "Toelichting"
LISTS_SHEET = "Lijsten"
HEADER_SCAN = 10


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """1-based row, 0-based column -> 'C17'."""
    return f"{column_letter(col)}{row}"


@dataclass(frozen=True)
class Problem:
    """A problem with the file as a whole or with its header; `ref` is a cell or None."""

    ref: str | None
    message: str
    row: int | None = None
    col: int | None = None  # 0-based

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}" if self.ref else self.message


@dataclass
class Marker:
    instrument: str
    sheet: str
    version: int


@dataclass
class OpenedSheet:
    """A workbook's data sheet with its matched header."""

    sheet_name: str
    header_row: int  # 1-based
    columns: list[tuple[int, Column]]  # (0-based column index, declared column), in sheet order
    problems: list[Problem] = field(default_factory=list)
    marker: Marker | None = None
    _rows: Iterator[list[Any]] | None = None
    _first_row: int = 1
    _first_col: int = 0

    @property
    def first_col(self) -> int:
        return self._first_col
    _buffer: list[list[Any]] = field(default_factory=list)
    header_values: list[Any] = field(default_factory=list)  # the header row's cells, from first_col
    scan: SheetScan = field(default_factory=SheetScan)  # hidden rows, error values, formulas, merged cells

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(1-based row number, raw values) for every non-empty data row after the header.

        values[i] is the cell in sheet column `first_col + i`.
        """
        row_number = self._first_row - 1
        source = self._rows
        buffered = self._buffer
        self._buffer = []
        self._rows = None  # the reader's grid goes as soon as the rows were walked, not with this object

        def all_rows():
            yield from buffered
            if source is not None:
                yield from source

        for values in all_rows():
            row_number += 1
            if row_number <= self.header_row:
                continue
            if not _has_content(values):
                continue
            yield row_number, values


def _has_content(values: list[Any]) -> bool:
    for v in values:
        if v != "" and v is not None and not (isinstance(v, str) and not v.strip()):
            return True
    return False


def _reader_error(exc: BaseException) -> bool:
    """An error of the reader: any Exception, or the PanicException (a BaseException) that pyo3 raises
    when calamine panics on odd input. KeyboardInterrupt and SystemExit are not."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


SPILL_BYTES = 4 << 20  # a larger upload is read by calamine from a temporary file, not from a copy in memory


def open_workbook(data: bytes):
    """The workbook for calamine. A large upload is handed over as a (deleted) temporary file, which calamine
    reads as it needs it: from memory it would first copy the whole upload, next to its grid."""
    try:
        if len(data) <= SPILL_BYTES:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as spill:
            spill.write(data)
            spill.flush()
            return python_calamine.CalamineWorkbook.from_path(spill.name)  # keeps the file open after it goes
    except BaseException as exc:  # calamine raises its own errors, and a Rust panic on odd input
        if not _reader_error(exc):
            raise
        raise RefusedFile(_("Het bestand kon niet als Excel-werkmap worden gelezen; "
                            "het is beschadigd of geen .xlsx-bestand.")) from None


def _read_marker(workbook) -> Marker | None:
    if MARKER_SHEET not in workbook.sheet_names:
        return None
    try:
        values = workbook.get_sheet_by_name(MARKER_SHEET).to_python()
    except BaseException as exc:
        if not _reader_error(exc):
            raise
        return None
    cells = [row[0] if row else "" for row in values[:4]]
    if len(cells) < 4 or cells[0] != MARKER_TAG:
        return None
    try:
        return Marker(str(cells[1]), str(cells[2]), int(cells[3]))
    except (TypeError, ValueError):
        return None


def _choose_sheet(workbook, spec: SheetSpec) -> str | None:
    visible = []
    for meta in workbook.sheets_metadata:
        if meta.name == MARKER_SHEET or meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != python_calamine.SheetVisibleEnum.Visible:
            continue
        visible.append(meta.name)
    wanted = normalise_header(spec.title)
    for name in visible:
        if normalise_header(name) == wanted:
            return name
    for name in visible:
        if name not in (EXPLANATION_SHEET, LISTS_SHEET):
            return name
    return None


def header_index(spec: SheetSpec) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in spec.columns:
        for header in (col.header, *col.aliases):
            index[normalise_header(header)] = col
    return index


def open_sheet(data: bytes, spec: SheetSpec, *, max_rows: int, later=None) -> OpenedSheet:
    """Open the workbook, choose the data sheet and match its header (problems are collected, not raised).

    `later(only=..., exclude=...)`: checks the worksheets the safety check left for later (see
    `safety.check_deferred`); called before the reader parses a sheet. A missing header is found on a
    streamed look at the sheet's first rows, so such a file is refused without unpacking the rest of it.
    """
    check = later or (lambda **_kw: None)
    workbook = open_workbook(data)  # parses no worksheet yet
    name = _choose_sheet(workbook, spec)
    if name is None:
        check()
        return OpenedSheet("", 1, [], [Problem(None, _("De werkmap bevat geen zichtbaar werkblad met gegevens."))],
                           _read_marker(workbook))
    head = first_rows(data, name, HEADER_SCAN)
    if head is not None and not _has_header(head, spec):  # refused before the whole sheet is parsed
        if MARKER_SHEET in workbook.sheet_names:
            check(only=MARKER_SHEET)
        opened = OpenedSheet(name, 1, [], [], _read_marker(workbook))
        _match_header(opened, [list(r) for r in head], spec)
        return opened
    check()
    marker = _read_marker(workbook)
    try:
        sheet = workbook.get_sheet_by_name(name)
    except BaseException as exc:
        if not _reader_error(exc):
            raise
        raise RefusedFile(_("Het werkblad kon niet worden gelezen; het bestand is beschadigd.")) from None
    start = sheet.start or (0, 0)
    # python-calamine's iter_rows starts at the sheet's first row (empty rows above the data included) but
    # at the first column that holds data; tests/core/excel/test_reading.py pins this behaviour.
    opened = OpenedSheet(name, 1, [], [], marker, _first_row=1, _first_col=start[1])
    opened.scan = scan_sheet(data, name)
    if sheet.height - 1 > max_rows + HEADER_SCAN:
        opened.problems.append(Problem(None, _("Het werkblad heeft %(rows)s rijen; het maximum is %(maximum)s. "
                                               "Splits het bestand.", rows=grouped(sheet.height - 1),
                                               maximum=grouped(max_rows))))
        return opened
    rows = iter(sheet.iter_rows())
    head: list[list[Any]] = []
    filled = 0
    for values in rows:  # the header is among the first HEADER_SCAN rows with content
        head.append(values)
        filled += _has_content(values)
        if filled >= HEADER_SCAN or len(head) >= 1000:
            break
    opened._buffer = head
    opened._rows = rows
    _match_header(opened, head, spec)
    return opened


def _has_header(head: list[list[str]], spec: SheetSpec) -> bool:
    """Whether any of these rows holds a recognised header (what _match_header looks for)."""
    index = header_index(spec)
    return any(normalise_header(v) in index for values in head for v in values if isinstance(v, str))


def _match_header(opened: OpenedSheet, head: list[list[Any]], spec: SheetSpec) -> None:
    index = header_index(spec)
    offset = opened._first_col
    best_row, best_hits = None, 0
    for i, values in enumerate(head):
        hits = len({index[k].key for k in (normalise_header(v) for v in values if isinstance(v, str)) if k in index})
        if hits > best_hits:
            best_row, best_hits = i, hits
    if best_row is None:
        expected = ", ".join(c.header for c in spec.imported_columns)
        opened.problems.append(Problem(cell_ref(opened._first_row, offset), _(
            "geen kopregel gevonden in werkblad '%(sheet)s' (de eerste %(rows)s gevulde rijen); verwacht de "
            "kolommen: %(columns)s", sheet=opened.sheet_name, rows=HEADER_SCAN, columns=expected), opened._first_row, offset))
        opened.header_row = opened._first_row
        opened.header_values = list(head[0]) if head else []
        return
    header_row = opened._first_row + best_row
    opened.header_values = list(head[best_row])
    opened.header_row = header_row
    seen: dict[str, int] = {}
    last_used = offset - 1
    for j, value in enumerate(head[best_row]):
        col_index = offset + j
        if value == "" or value is None or (isinstance(value, str) and not value.strip()):
            continue
        last_used = col_index
        ref = cell_ref(header_row, col_index)
        col = index.get(normalise_header(value))
        if col is None:
            allowed = ", ".join(c.header for c in spec.columns)
            opened.problems.append(Problem(ref, _("onbekende kolom '%(column)s'; toegestaan zijn: %(allowed)s",
                                                  column=value, allowed=allowed), header_row, col_index))
            continue
        if col.key in seen:
            first = cell_ref(header_row, seen[col.key])
            opened.problems.append(Problem(ref, _("kolom '%(column)s' staat er twee keer in (ook in %(first)s)",
                                                  column=col.header, first=first), header_row, col_index))
            continue
        seen[col.key] = col_index
        if col.imported:
            opened.columns.append((col_index, col))
    for col in spec.imported_columns:
        if col.required and col.key not in seen:
            last_used += 1
            opened.problems.append(Problem(cell_ref(header_row, last_used),
                                           _("kolom '%(column)s' ontbreekt", column=col.header), header_row, last_used))
