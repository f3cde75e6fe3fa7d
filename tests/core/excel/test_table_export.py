"""The national overview's .xlsx of one table: typed cells, and any section title as a valid sheet name."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from core.excel.table_export import write_table
from core.instruments import NationalTable


def test_a_title_with_colons_and_brackets_and_over_31_characters_still_exports():
    table = NationalTable(caption="Per regio", headers=("Regio", "Aantal", "Bedrag", "Aandeel"),
                          kinds=("text", "count", "money", "percent"),
                          rows=(("Utrecht", 12, Decimal("1234.50"), Decimal("0.25")), ("=SOM(A1)", None, None, None)),
                          note="2 van de 40 regio's")
    out = io.BytesIO()
    write_table(out, "Sectorbeeld: voortgang [2024/2027] per prioriteit", table)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    ws = book.active
    assert ws.title == "Sectorbeeld voortgang 2024 2027"
    assert ws["A1"].value == "Sectorbeeld: voortgang [2024/2027] per prioriteit"
    assert [c.value for c in ws[4]] == ["Utrecht", 12, 1234.5, 0.25]
    assert ws["A5"].value == "=SOM(A1)" and ws["A5"].data_type == "s"  # text, never a formula
    assert ws["B5"].value is None
    assert ws["A7"].value == "2 van de 40 regio's"
