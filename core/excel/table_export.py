"""A read-only table (a national overview section) as an .xlsx: typed cells, headers, the completeness note."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import IO

from core.excel.export import _Book

MONEY_FORMAT = '"€" #,##0.00'
PERCENT_FORMAT = "0.0%"


def sheet_name(title: str) -> str:
    """`title` as Excel allows a sheet name: without []:*?/\\ and apostrophes at the ends, at most 31 characters."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'")
    return re.sub(r"\s+", " ", name)[:31].strip() or "Overzicht"


def write_table(out: str | IO[bytes], title: str, table) -> None:
    """Write `table` (a plugin_api.NationalTable) to `out`: a title, a header row, one typed row per region.

    Text that a spreadsheet could take for a formula is written as quoted text; None stays empty.
    """
    book = _Book(out)
    ws = book.wb.add_worksheet(sheet_name(title))
    formats = {"count": book.wb.add_format({"num_format": "#,##0"}),
               "money": book.wb.add_format({"num_format": MONEY_FORMAT}),
               "percent": book.wb.add_format({"num_format": PERCENT_FORMAT})}
    book.text(ws, 0, 0, title, book.title)
    for c, header in enumerate(table.headers):
        book.text(ws, 2, c, str(header), book.header)
        ws.set_column(c, c, 30 if c == 0 else 16)
    row = 3
    for values in table.rows:
        for c, (kind, value) in enumerate(zip(table.kinds, values)):
            if value is None:
                continue
            if kind in formats and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                ws.write_number(row, c, value, formats[kind])
            else:
                book.text(ws, row, c, str(value))
        row += 1
    if table.note:
        book.text(ws, row + 1, 0, str(table.note))
    book.wb.close()
