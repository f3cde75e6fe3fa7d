"""Every kind of error, with its exact cell and Dutch reason; and on any error nothing is written."""
from __future__ import annotations

import datetime as dt

import pytest

from core.testing import make_user

from .conftest import (EDITOR, HEADER, add_membership, counts, greetings, messages, openpyxl_file, row,
                       run_import, xlsxwriter_file)

# (what is wrong, the cells of row 2 to change, the expected message)
CELL_ERRORS = [
    ("integer", {"sent": "abc"}, "D2: 'abc' is geen geheel getal"),
    ("integer with decimals", {"sent": 12.5}, "D2: '12,5' is geen geheel getal"),
    ("integer below minimum", {"sent": -1}, "D2: -1 is kleiner dan het minimum 0"),
    ("decimal", {"budget": "twaalf"}, "F2: 'twaalf' is geen getal"),
    ("decimal places", {"budget": 12.345}, "F2: '12,345' heeft meer dan 2 decimalen"),
    ("decimal above maximum", {"budget": 2_000_000}, "F2: 2000000,00 is groter dan het maximum 1000000"),
    ("date", {"sent_on": "31-02-2024"}, "G2: '31-02-2024' is geen datum (gebruik dd-mm-jjjj)"),
    ("date below minimum", {"sent_on": dt.date(1999, 12, 31)}, "G2: 31-12-1999 is kleiner dan het minimum 01-01-2000"),
    ("boolean", {"public": "misschien"}, "H2: 'misschien' is geen ja of nee"),
    ("school year", {"year": "2024-2026"}, "B2: '2024-2026' is geen schooljaar (zoals 2024-2025)"),
    ("school year below minimum", {"year": "2010-2011"}, "B2: 2010-2011 is kleiner dan het minimum 2015-2016"),
    ("enum", {"mood": "boos"}, "I2: 'boos' is geen toegestane waarde (kies uit: blij, neutraal, somber)"),
    ("BRIN format", {"brin": "ABCD"}, "J2: 'ABCD' is geen BRIN-code (zoals 25LP)"),
    ("BRIN unknown", {"brin": "99ZZ"}, "J2: BRIN 99ZZ is geen bekende mbo-instelling"),
    ("CBS code format", {"municipality": "Utrecht-Noord"}, "K2: 'Utrecht-Noord' is geen CBS-gemeentecode (zoals GM0344)"),
    ("municipality name", {"municipality": "Utrecht"},
     "K2: 'Utrecht' is een gemeentenaam; gebruik de CBS-code (GM0344 voor Utrecht)"),
    ("CBS code unknown", {"municipality": "GM9999"}, "K2: gemeente GM9999 bestaat niet"),
    ("CBS code outside region", {"municipality": "GM0599"}, "K2: gemeente GM0599 (Rotterdam) hoort niet bij regio Utrecht"),
    ("organisation unknown", {"org": "GM9999"}, "A2: organisatie GM9999 bestaat niet"),
    ("organisation outside region", {"org": "GM0599"}, "A2: GM0599 (Gemeente Rotterdam) hoort niet bij regio Utrecht"),
    ("required empty", {"text": None}, "C2: Groet is verplicht; de cel is leeg"),
    ("text too long", {"text": "x" * 201}, "C2: de tekst is 201 tekens lang; het maximum is 200"),
    ("cross-column rule", {"sent": 640, "answered": 812}, "E2: beantwoord (812) is groter dan verstuurd (640)"),
    ("row of another organisation", {"org": "GM0310"}, "A2: u mag geen groeten invoeren voor GM0310 (Gemeente De Bilt)"),
]


@pytest.mark.parametrize(("what", "change", "expected"), CELL_ERRORS, ids=[c[0] for c in CELL_ERRORS])
def test_every_cell_error_names_its_cell_and_nothing_is_written(app, editor, what, change, expected):
    before = counts(app)
    prepared = run_import(app, openpyxl_file([row(**change), row("Tweede rij")]))
    assert messages(prepared) == [expected]
    assert counts(app) == before


def test_errors_deep_in_a_sheet_written_by_xlsxwriter(app, editor):
    rows = [row(f"Groet {i}") for i in range(1, 30)]
    rows[15] = row("Groet 16", sent="abc")  # sheet row 17
    rows[20] = row("Groet 21", mood="x")
    prepared = run_import(app, xlsxwriter_file(rows, shared_strings=False))
    assert messages(prepared) == ["D17: 'abc' is geen geheel getal",
                                  "I22: 'x' is geen toegestane waarde (kies uit: blij, neutraal, somber)"]
    assert greetings(app) == []


def test_all_errors_at_once_in_sheet_order(app, editor):
    rows = [row("Een", sent="abc", mood="boos"), row("Twee"), row("Drie", org="GM0310", year="x")]
    prepared = run_import(app, openpyxl_file(rows))
    assert messages(prepared) == [
        "D2: 'abc' is geen geheel getal",
        "I2: 'boos' is geen toegestane waarde (kies uit: blij, neutraal, somber)",
        "B4: 'x' is geen schooljaar (zoals 2024-2025)",
        "A4: u mag geen groeten invoeren voor GM0310 (Gemeente De Bilt)",
    ]
    assert prepared.error_count == 4


def test_duplicate_natural_key_within_the_file(app, editor):
    prepared = run_import(app, openpyxl_file([row("Zelfde"), row("Anders"), row("Zelfde", sent=30)]))
    assert messages(prepared) == ["A4: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 2"]


def test_duplicates_stay_in_sheet_order_among_other_errors(app, editor):
    # rows are kept (and their keys looked up once the reader is done) until the first other error: the
    # duplicates found before it come first, the one on that very row in its place among that row's problems
    rows = [row("Een"), row("Twee"), row("Een", sent=30), row("Twee", sent="abc"), row("Drie"), row("Drie"),
            row("Een", org="GM0310", mood="boos")]
    prepared = run_import(app, openpyxl_file(rows))
    assert messages(prepared) == [
        "A4: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 2",
        "D5: 'abc' is geen geheel getal",
        "A5: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 3",
        "A7: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 6",
        "I8: 'boos' is geen toegestane waarde (kies uit: blij, neutraal, somber)",
        "A8: u mag geen groeten invoeren voor GM0310 (Gemeente De Bilt)",
    ]
    assert prepared.error_count == 6


def test_duplicates_before_the_row_limit_come_first(app_factory):
    from core.testing import make_user

    app = app_factory(EXCEL_MAX_ROWS=3)
    make_user(app, EDITOR, org="GM0344", role="editor")
    prepared = run_import(app, openpyxl_file([row("Een"), row("Een"), row("Twee"), row("Drie")]))
    assert messages(prepared) == [
        "A3: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 2",
        "Het werkblad heeft meer dan 3 rijen met gegevens; splits het bestand.",
    ]


def test_missing_unknown_and_duplicate_columns(app, editor):
    header = ["Organisatie", "Groet", "Opmerking", "Verstuurd", "verstuurd"]
    prepared = run_import(app, openpyxl_file([["GM0344", "Hallo", "iets", 1, 2]], header))
    assert messages(prepared) == [
        "C1: onbekende kolom 'Opmerking'; toegestaan zijn: Organisatie, Schooljaar, Groet, Verstuurd, Beantwoord, "
        "Budget, Verstuurd op, Openbaar, Stemming, BRIN, Gemeente, Antwoordpercentage",
        "E1: kolom 'Verstuurd' staat er twee keer in (ook in D1)",
        "F1: kolom 'Schooljaar' ontbreekt",
    ]


def test_no_header_at_all(app, editor):
    prepared = run_import(app, openpyxl_file([["GM0344", "2024-2025"]], ["x", "y"]))
    assert messages(prepared)[0].startswith("A1: geen kopregel gevonden in werkblad 'Groeten' (de eerste 10 gevulde rijen); "
                                            "verwacht de kolommen: Organisatie, Schooljaar, Groet")


def test_header_only(app, editor):
    assert messages(run_import(app, openpyxl_file([]))) == [
        "Het werkblad bevat geen rijen met gegevens onder de kopregel."]


def test_too_many_rows(app_factory):
    app = app_factory(EXCEL_MAX_ROWS=3)
    make_user(app, EDITOR, org="GM0344", role="editor")
    prepared = run_import(app, openpyxl_file([row(f"G{i}") for i in range(4)]))
    assert messages(prepared) == ["Het werkblad heeft meer dan 3 rijen met gegevens; splits het bestand."]
    assert greetings(app) == []


def test_viewer_may_write_no_row(app):
    make_user(app, "lezer@utrecht.example", org="GM0344", role="viewer")
    prepared = run_import(app, openpyxl_file([row()]), email="lezer@utrecht.example")
    assert messages(prepared) == ["A2: u mag geen groeten invoeren voor GM0344 (Gemeente Utrecht)"]


def test_editor_of_two_organisations_writes_both(app, editor):
    add_membership(app, EDITOR, "GM0310", "editor")
    prepared = run_import(app, openpyxl_file([row("Utrecht"), row("De Bilt", org="GM0310")]))
    assert messages(prepared) == []
    assert len(greetings(app)) == 2


def test_coordinator_reads_but_does_not_write_figures_of_members(app):
    make_user(app, "coordinator@mc19.example", org="MC19", role="admin")
    prepared = run_import(app, openpyxl_file([row(), row("RMC", org="MC19")]), email="coordinator@mc19.example")
    assert messages(prepared) == ["A2: u mag geen groeten invoeren voor GM0344 (Gemeente Utrecht)"]


def test_outdated_template_is_told_so_in_plain_words(app, editor):
    from dataclasses import replace

    from core.excel import engine

    registry = app.extensions["regioplatform"]
    spec = engine.find_sheet(registry, "hello", "hello-groeten")
    template = _template_bytes(app, spec)
    newer = replace(spec, version=2)
    entry = registry.entries["hello"]
    registry.entries["hello"] = replace(entry, sheets=(newer,))
    try:
        prepared = run_import(app, _fill(template, [row()]))
    finally:
        registry.entries["hello"] = entry
    assert messages(prepared) == ["Dit sjabloon is verouderd (versie 1); de huidige versie is 2. Download een "
                                  "nieuw sjabloon en neem uw gegevens daarin over."]


def test_template_of_another_sheet_is_refused(app, editor):
    from dataclasses import replace

    from core.excel import engine

    spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
    other = _template_bytes(app, replace(spec, name="hello-andere"))
    prepared = run_import(app, _fill(other, [row()]))
    assert messages(prepared) == ["Dit bestand is een sjabloon voor een ander werkblad ('hello-andere'), niet voor "
                                  "'Groeten'. Download het juiste sjabloon."]


def _template_bytes(app, spec) -> bytes:
    import io

    from sqlalchemy import select

    from core.db import db_session
    from core.excel import export
    from core.excel.engine import build_lookups
    from core.regions.models import Region

    with app.app_context():
        region = db_session().scalar(select(Region).where(Region.slug == "rmc-19"))
        out = io.BytesIO()
        export.write_workbook(out, spec, "hello", [], build_lookups(db_session(), region), extra_rows=20)
        return out.getvalue()


def _fill(template: bytes, rows) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(template))
    for values in rows:
        wb["Groeten"].append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_header_of_the_template_matches_the_declaration(app, editor):
    import io

    import openpyxl

    from core.excel import engine

    spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
    ws = openpyxl.load_workbook(io.BytesIO(_template_bytes(app, spec)))["Groeten"]
    assert [c.value for c in ws[1]] == HEADER + ["Antwoordpercentage"]
