"""Re-import and export-then-import change nothing; exports and templates are real, safe workbooks."""
from __future__ import annotations

import datetime as dt
import decimal
import io
import zipfile

import openpyxl
import python_calamine
from sqlalchemy import select

from core.testing import make_user

from .conftest import (EDITOR, HEADER, add_membership, counts, export_bytes, greetings, messages, openpyxl_file,
                       row, run_import, xlsxwriter_file)

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+31 30 123", "-1+1", "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0"]


def test_importing_the_same_file_again_changes_nothing(app, editor):
    data = xlsxwriter_file([row("Een"), row("Twee", budget=None, mood=None)])
    first = run_import(app, data)
    assert len(first.diff.new) == 2
    audit_after_first = counts(app)
    again = run_import(app, data)
    assert (len(again.diff.new), len(again.diff.changed), again.diff.unchanged) == (0, 0, 2)
    assert counts(app) == audit_after_first  # no rows, no audit entries


def test_a_changed_cell_is_one_change_with_old_and_new(app, editor):
    run_import(app, openpyxl_file([row("Een"), row("Twee")]))
    prepared = run_import(app, openpyxl_file([row("Een", sent=11, budget="12,50"), row("Twee"), row("Drie")]))
    diff = prepared.diff
    assert (len(diff.new), len(diff.changed), diff.unchanged) == (1, 1, 1)
    (_id, old, new), = diff.changed
    changed = {k: (o, n) for k, o, n in zip(diff.keys, old, new) if o != n}
    assert changed == {"sent": (10, 11)}  # 12.5 and "12,50" are the same amount
    assert {g["text"]: g["sent"] for g in greetings(app)} == {"Een": 11, "Twee": 10, "Drie": 10}


def test_export_then_import_is_a_no_op(app, editor):
    add_membership(app, EDITOR, "GM0310", "editor")
    rows = [row("Een"), row("Twee", org="GM0310", sent=None, answered=None, budget=123456.78, sent_on=None,
                            public=None, mood=None, brin=None, municipality=None)]
    rows += [row(text) for text in FORMULAS]
    assert messages(run_import(app, openpyxl_file(rows))) == []
    stored = greetings(app)
    exported = export_bytes(app)
    before = counts(app)
    prepared = run_import(app, exported, filename="export.xlsx")
    assert messages(prepared) == []
    assert (len(prepared.diff.new), len(prepared.diff.changed), prepared.diff.unchanged) == (0, 0, len(rows))
    assert counts(app) == before
    assert greetings(app) == stored


def test_export_has_typed_cells_and_the_computed_column(app, editor):
    run_import(app, openpyxl_file([row("Een", sent=8, answered=2)]))
    ws = openpyxl.load_workbook(io.BytesIO(export_bytes(app)))["Groeten"]
    assert [c.value for c in ws[1]] == HEADER + ["Antwoordpercentage"]
    values = [c.value for c in ws[2]]
    assert values[:6] == ["GM0344", "2024-2025", "Een", 8, 2, 12.5]
    assert values[6] == dt.datetime(2024, 9, 1) and ws["G2"].number_format == "dd-mm-yyyy"
    assert values[7:] == ["ja", "blij", "25LH", "GM0344", 25]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws.column_dimensions["C"].width >= 30


def test_formula_injection_is_neutralised_in_exports(app, editor):
    from core.db import db_session
    from core.regions.models import Region
    from tests.plugins.hello.models import Greeting

    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        org_id = next(m.organisation_id for m in region.members if m.organisation.identifier == "GM0344")
        for text in FORMULAS + ["\tTAB", "\rCR", "gewoon"]:
            session.add(Greeting(region_id=region.id, organisation_id=org_id, text=text, school_year="2024-2025"))
        session.commit()
    data = export_bytes(app)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml  # not a single formula
    ws = openpyxl.load_workbook(io.BytesIO(data))["Groeten"]
    # (a carriage return is stored as OOXML's _x000D_ escape, which openpyxl does not decode)
    cells = {ws.cell(row=r, column=3).value.replace("_x000D_", "\r"): ws.cell(row=r, column=3)
             for r in range(2, ws.max_row + 1)}
    for text in FORMULAS + ["\tTAB", "\rCR"]:
        cell = cells[text]  # the value itself is unchanged ...
        assert cell.data_type == "s"  # ... stored as text, never as a formula ...
        assert cell.quotePrefix  # ... and marked so that Excel and LibreOffice keep it literal
    assert not cells["gewoon"].quotePrefix
    read_back = [r[2] for r in python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
                 .get_sheet_by_name("Groeten").iter_rows()][1:]
    assert sorted(read_back) == sorted(FORMULAS + ["\tTAB", "\rCR", "gewoon"])


def test_export_shows_only_what_the_user_may_see(app, editor):
    make_user(app, "debilt@example.nl", org="GM0310", role="editor")
    make_user(app, "coordinator@mc19.example", org="MC19", role="admin")
    run_import(app, openpyxl_file([row("Utrecht")]))
    run_import(app, openpyxl_file([row("De Bilt", org="GM0310", municipality="GM0310")]), email="debilt@example.nl")

    def texts(email):
        ws = openpyxl.load_workbook(io.BytesIO(export_bytes(app, email)))["Groeten"]
        return sorted(r[2] for r in ws.iter_rows(min_row=2, values_only=True) if r[0])

    assert texts(EDITOR) == ["Utrecht"]
    assert texts("debilt@example.nl") == ["De Bilt"]
    assert texts("coordinator@mc19.example") == ["De Bilt", "Utrecht"]


def test_template_has_explanation_dropdowns_and_a_hidden_version(app, editor_client):
    response = editor_client.get("/regio/rmc-19/hello/excel/hello-groeten/sjabloon.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Groeten", "Toelichting", "Lijsten", "_regioplatform"]
    assert wb["_regioplatform"].sheet_state == "veryHidden"
    assert [c.value for c in wb["_regioplatform"]["A"]] == ["regioplatform-sjabloon", "hello", "hello-groeten", 1]
    ws = wb["Groeten"]
    assert ws.max_row == 1 and ws.freeze_panes == "A2"
    explanation = "\n".join(str(c.value) for r in wb["Toelichting"].iter_rows() for c in r if c.value)
    for header in HEADER:
        assert header in explanation
    assert "Elke rij wordt herkend aan: Organisatie, Schooljaar, Groet" in explanation
    assert "een van: blij, neutraal, somber" in explanation
    validations = {str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation}
    assert validations["I2"].formula1 == '"blij,neutraal,somber"'
    assert validations["H2"].formula1 == '"ja,nee"'
    assert validations["A2"].formula1.startswith("'Lijsten'!$A$2:$A$")
    assert validations["D2"].type == "whole"
    lists = wb["Lijsten"]
    organisations = {r[0]: r[1] for r in lists.iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert organisations["GM0344"] == "Gemeente Utrecht" and "GM0599" not in organisations
    assert {r.max_row for v in validations.values() for r in v.sqref.ranges} == {1001}


def test_a_filled_in_template_imports(app, editor):
    template = _download_template(app)
    wb = openpyxl.load_workbook(io.BytesIO(template))
    wb["Groeten"].append(row("Uit sjabloon"))
    out = io.BytesIO()
    wb.save(out)
    assert messages(run_import(app, out.getvalue())) == []
    assert [g["text"] for g in greetings(app)] == ["Uit sjabloon"]


def _download_template(app) -> bytes:
    from core.db import db_session
    from core.excel import engine
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        out = io.BytesIO()
        engine.template_sheet(session, spec=spec, instrument="hello", region=region, out=out, rows=10)
        return out.getvalue()


def test_money_is_decimal_all_the_way(app, editor):
    run_import(app, openpyxl_file([row("Geld", budget="0,1"), row("Meer", budget=0.1 + 0.2)]))
    budgets = {g["text"]: g["budget"] for g in greetings(app)}
    assert budgets == {"Geld": decimal.Decimal("0.10"), "Meer": decimal.Decimal("0.30")}
    assert all(isinstance(v, decimal.Decimal) for v in budgets.values())
