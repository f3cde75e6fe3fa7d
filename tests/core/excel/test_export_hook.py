"""SheetSpec.export_rows: a sheet's export hook hands over the rows to export, transformed values included.

A plugin that publishes figures differently from how they are stored (small
counts as "<5") declares the hook; the engine writes its rows through the same
streaming writer: frozen header, Toelichting, drop-downs, version marker. Text
in a number, date or yes/no column is a text cell without the column's number
format, still neutralised against formula injection; an import refuses it,
naming the cell.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import io

import openpyxl
from sqlalchemy import select

from .conftest import EDITOR, HEADER, counts, messages, run_import

CALLS = []


def hook(session, region, user):
    """Two rows as a plugin might publish them: one as stored, one with text in typed columns."""
    CALLS.append((region.slug, user.email))
    org_id = next(m.organisation_id for m in region.members if m.organisation.identifier == "GM0344")
    yield [org_id, "2024-2025", "Gewoon", 12, 3, decimal.Decimal("12.50"), dt.date(2024, 9, 1), True, "blij",
           "25LH", "GM0344", decimal.Decimal("25")]
    yield ("GM0310", "2024-2025", "Afgeschermd", "<5", "=1+1", "n.v.t.", "onbekend", "?", None, None, None, "<5")


def export_with_hook(app, export_rows=hook) -> bytes:
    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EDITOR))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        spec = dataclasses.replace(spec, export_rows=export_rows)
        assert spec.problems() == []
        out = io.BytesIO()
        assert engine.export_sheet(session, spec=spec, instrument="hello", region=region, user=user, out=out) == 2
        return out.getvalue()


def test_the_hook_rows_are_exported_with_text_where_numbers_are_expected(app, editor):
    CALLS.clear()
    data = export_with_hook(app)
    assert CALLS == [("rmc-19", EDITOR)]  # called once, with the region and the exporting user
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["Groeten", "Toelichting"]
    ws = wb["Groeten"]
    assert [c.value for c in ws[1]] == HEADER + ["Antwoordpercentage"] and ws.freeze_panes == "A2"
    assert [c.value for c in ws[2]] == ["GM0344", "2024-2025", "Gewoon", 12, 3, 12.5, dt.datetime(2024, 9, 1),
                                        "ja", "blij", "25LH", "GM0344", 25]
    assert ws["D2"].number_format == "0" and ws["G2"].number_format == "dd-mm-yyyy"
    assert [c.value for c in ws[3]] == ["GM0310", "2024-2025", "Afgeschermd", "<5", "=1+1", "n.v.t.", "onbekend",
                                        "?", None, None, None, "<5"]
    for ref in ("D3", "E3", "F3", "G3", "H3", "L3"):  # integer, integer, decimal, date, yes/no, computed
        cell = ws[ref]
        assert cell.data_type == "s", ref  # text, never a number or a formula
        assert cell.number_format == "General", ref  # not the column's "0" or "dd-mm-yyyy"
        assert cell.alignment.horizontal == "right", ref  # lined up with the numbers
    assert ws["E3"].quotePrefix and not ws["D3"].quotePrefix  # "=1+1" is neutralised, "<5" needs nothing
    assert ws["A3"].data_type == "s" and ws["A3"].alignment.horizontal is None  # an identifier as it is


def test_a_file_with_hook_text_in_a_number_column_is_refused_naming_the_cells(app, editor):
    before = counts(app)
    prepared = run_import(app, export_with_hook(app), filename="export.xlsx")
    found = messages(prepared)
    assert "D3: '<5' is geen geheel getal" in found
    assert "E3: '=1+1' is geen geheel getal" in found
    assert not prepared.ok and counts(app) == before


def test_without_a_hook_the_export_holds_the_stored_rows_and_the_hook_must_be_callable(app, editor):
    from core.excel.spec import Column, SheetSpec

    from .conftest import export_bytes, openpyxl_file, row

    run_import(app, openpyxl_file([row("Opgeslagen")]))
    ws = openpyxl.load_workbook(io.BytesIO(export_bytes(app)))["Groeten"]
    assert [r[2] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]] == ["Opgeslagen"]
    spec = SheetSpec(name="x", title="X", columns=(Column("a", "A"),), export_rows="nee")
    assert "sheet 'x': export_rows must be callable" in spec.problems()
