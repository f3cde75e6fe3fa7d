"""The user's own workbook handed back with every wrong cell marked and a comment saying what is wrong.

This needs styles and comments, so it uses openpyxl (which parses through
defusedxml when that is installed, as it is here), and only on a file that
already passed `safety.check_workbook`. Problems without a cell of their own
(an outdated template, too many rows) are put on the first cell. A "Fouten"
sheet at the end lists every problem.

The comments are the staged messages, in the language of whoever uploaded;
the list's headings follow the reader's language. The sheet's name stays
"Fouten", like the Toelichting and Lijsten sheets of a template.
"""
from __future__ import annotations

import io
import warnings

import openpyxl
from flask_babel import gettext as _, ngettext
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from core.excel.reader import Problem

MARK = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
ERRORS_SHEET = "Fouten"
AUTHOR = "Regioplatform"


def marked_workbook(data: bytes, sheet_name: str, problems: list[Problem], total: int) -> bytes:
    """Return `data` with the cells of `problems` filled red and commented."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops (e.g. some validations)
        wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=False, keep_links=False, rich_text=False)
    ws = wb[sheet_name] if sheet_name in wb.sheetnames else wb.worksheets[0]
    per_cell: dict[tuple[int, int], list[str]] = {}
    for problem in problems:
        row, col = (problem.row, problem.col) if problem.row is not None and problem.col is not None else (1, 0)
        per_cell.setdefault((row, col), []).append(problem.message)
    for (row, col), messages in per_cell.items():
        cell = ws.cell(row=row, column=col + 1)
        cell.fill = MARK
        text = "\n".join(messages)
        if cell.comment is not None:
            text = cell.comment.text + "\n" + text
        comment = Comment(text, AUTHOR)
        comment.width = 320
        comment.height = min(60 + 18 * len(messages), 400)
        cell.comment = comment
    if ERRORS_SHEET in wb.sheetnames:
        del wb[ERRORS_SHEET]
    listing = wb.create_sheet(ERRORS_SHEET)
    lines = [(_("Cel"), _("Fout"))] + [(p.ref or "", p.message) for p in problems]
    if total > len(problems):
        lines.append(("", ngettext("... en nog %(num)s fout", "... en nog %(num)s fouten", total - len(problems))))
    for r, (ref, message) in enumerate(lines, start=1):
        for c, text in enumerate((ref, message), start=1):
            cell = listing.cell(row=r, column=c)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text starts with
    listing.column_dimensions["A"].width = 10
    listing.column_dimensions["B"].width = 100
    wb.active = wb.sheetnames.index(ws.title)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

