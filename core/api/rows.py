"""JSON rows as a row source for the Excel engine's validation: no workbook, the same checks and messages.

`opened_rows` makes an `OpenedSheet` (core.excel.reader) from a list of objects keyed by column key, so
`engine.prepare_opened` validates and diffs them exactly as an uploaded sheet. Row n of the batch is sheet
row n + 1 (row 1 is an imaginary header); `pointer` turns a problem's row and column back into a JSON
pointer (/rows/3/school_year).
"""
from __future__ import annotations

from typing import Any

from core.excel.reader import Marker, OpenedSheet, Problem
from core.excel.spec import SheetSpec


def opened_rows(spec: SheetSpec, instrument: str, rows: list[dict[str, Any]]) -> OpenedSheet:
    """The batch as an opened sheet: every imported column, in declaration order, and the sheet's own marker
    (a batch is always for the current version of the sheet)."""
    columns = list(spec.imported_columns)
    opened = OpenedSheet(sheet_name=spec.title, header_row=1, columns=list(enumerate(columns)),
                         marker=Marker(instrument, spec.name, spec.version))
    opened._buffer = [[c.header for c in columns]] + [[row.get(c.key) for c in columns] for row in rows]
    return opened


def pointer(spec: SheetSpec, problem: Problem) -> str:
    """The JSON pointer of a problem: /rows/<index>/<column key>, /rows/<index>, or "" for the batch."""
    if problem.row is None:
        return ""
    index = problem.row - 2
    if problem.col is None:
        return f"/rows/{index}"
    return f"/rows/{index}/{list(spec.imported_columns)[problem.col].key}"


def unknown_keys(spec: SheetSpec, rows: list) -> list[tuple[str, str]]:
    """(pointer, key) for every member of a row that is no imported column of the sheet."""
    known = {c.key for c in spec.imported_columns}
    return [(f"/rows/{i}/{key}", key) for i, row in enumerate(rows) for key in row if key not in known]
