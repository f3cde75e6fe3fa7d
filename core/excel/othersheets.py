"""The sheet's screen over every other sheet of an uploaded workbook.

A sheet's `screen` refuses personal data in the data sheet; a workbook may
hold more sheets (a second one with names and a BSN, hidden or not), and the
whole upload is refused for what any of them holds. Every cell is screened
as a value; the first rows with content of a sheet (where a header would
be) also as a header, except on the sheets the platform writes itself
(Toelichting, Lijsten, the version marker), whose own headers ("Naam") are
not personal data. Problems name the sheet and the cell, never the value
(that is up to the screen's message, as on the data sheet).
Call only on data that passed `safety.check_workbook`.
"""
from __future__ import annotations

from typing import Callable

from core.excel.reader import (EXPLANATION_SHEET, HEADER_SCAN, LISTS_SHEET, MARKER_SHEET, Problem, _reader_error,
                               cell_ref, open_workbook)

PLATFORM_SHEETS = (EXPLANATION_SHEET, LISTS_SHEET, MARKER_SHEET)


def sheet_ref(sheet: str, row: int, col: int) -> str:
    """A cell on a named sheet as Excel writes it: Blad2!B3, 'Blad 2'!B3."""
    quoted = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{cell_ref(row, col)}"


def _empty(value) -> bool:
    return value is None or value == "" or (value.__class__ is str and value.isspace())


def screen_other_sheets(data: bytes, data_sheet: str, screen: Callable[[object, bool], str | None],
                        *, limit: int = 100) -> tuple[list[Problem], int]:
    """(the first `limit` problems, how many cells were refused) on every sheet but `data_sheet`."""
    workbook = open_workbook(data)
    problems: list[Problem] = []
    count = 0
    for name in workbook.sheet_names:
        if name == data_sheet:
            continue
        try:
            sheet = workbook.get_sheet_by_name(name)
            start_col = (sheet.start or (0, 0))[1]  # rows start at the sheet's first row, columns do not
            rows = sheet.iter_rows()
        except BaseException as exc:  # a chart sheet or an unreadable one: nothing to screen there
            if not _reader_error(exc):
                raise
            continue
        filled = 0
        for offset, values in enumerate(rows):
            has_content = any(not _empty(v) for v in values)
            as_header = has_content and filled < HEADER_SCAN and name not in PLATFORM_SHEETS
            filled += has_content
            for c, value in enumerate(values):
                if _empty(value):
                    continue
                message = screen(value, False) or (screen(value, True) if as_header else None)
                if message:
                    count += 1
                    if len(problems) < limit:
                        problems.append(Problem(sheet_ref(name, offset + 1, start_col + c), message))
    return problems, count
