"""Sheet declarations are checked at startup; single cells parse the way people write them."""
from __future__ import annotations

import datetime as dt
import decimal
import types

import pytest

from core.excel import cells
from core.excel.spec import Column, Kind, RowRule, SheetSpec, normalise_header
from core.hookspecs import hookimpl
from core.instruments import Instrument, Permission
from core.orgs.models import Organisation
from core.plugins import PluginError, build_registry
from tests.plugins.hello.models import Greeting

D = decimal.Decimal
ORG = Column("organisation_id", "Organisatie", Kind.ORGANISATION)
TEXT = Column("text", "Groet")
YEAR = Column("school_year", "Schooljaar", Kind.SCHOOL_YEAR)


def sheet(**overrides) -> SheetSpec:
    fields = dict(name="alfa-blad", title="Blad", columns=(ORG, YEAR, TEXT), model=Greeting,
                  natural_key=("organisation_id", "school_year", "text"), permission="alfa.post")
    fields.update(overrides)
    return SheetSpec(**fields)


def refusal(spec: SheetSpec) -> str:
    plugin = types.ModuleType("alfa")
    plugin.KEY = "alfa"
    plugin.instrument_info = hookimpl(lambda: Instrument("alfa", "Alfa"))
    plugin.register_permissions = hookimpl(lambda: [Permission("alfa.post", "Invoeren", {"editor"}),
                                                    Permission("alfa.view", "Bekijken", {"viewer"})])
    plugin.register_sheets = hookimpl(lambda: [spec])
    with pytest.raises(PluginError) as caught:
        build_registry([plugin], load_entry_points=False)
    return str(caught.value)


def test_a_good_declaration_passes():
    assert sheet().problems() == []
    assert sheet(view_permission="alfa.view", rules=(RowRule.at_most("text", "text"),)).problems() == []


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"columns": (ORG, YEAR, Column("text", "Groet", kind="money"))},
     "column 'text': unknown kind 'money' (use plugin_api.Kind)"),
    ({"model": Organisation, "columns": (TEXT,), "natural_key": ("text",)},
     "model Organisation has no region_id column"),
    ({"model": None}, "model must be a mapped SQLAlchemy model"),
    ({"columns": (ORG, YEAR, TEXT, Column("colour", "Kleur"))}, "model Greeting has no attribute 'colour'"),
    ({"natural_key": ()}, "natural_key is required"),
    ({"natural_key": ("organisation_id", "mood")}, "natural key 'mood' is not an imported column"),
    ({"columns": (ORG, YEAR, TEXT, Column("mood", "Stemming", Kind.ENUM))}, "an enum column needs choices"),
    ({"columns": (YEAR, TEXT), "natural_key": ("text",)}, "model Greeting has organisation_id"),
    ({"columns": (ORG, YEAR, TEXT, Column("sent", "Groet ")), }, "two columns have the same header"),
    ({"rules": (RowRule.at_most("sent", "text"),)}, "rule refers to unknown column 'sent'"),
    ({"permission": None}, "permission is required"),
    ({"natural_key": ("organisation_id", "text")}, "needs a unique constraint on region_id + the natural key"),
    ({"view_permission": "alfa.lezen"}, "uses permission 'alfa.lezen', which the plugin does not register"),
    ({"permission": "hello.post"}, "uses permission 'hello.post' without the 'alfa.' prefix"),
    ({"title": "Te lang voor een werkbladnaam in Excel"}, "title must be 1-31 characters"),
])
def test_the_core_refuses_to_start_with_a_bad_declaration(overrides, reason):
    message = refusal(sheet(**overrides))
    assert message.startswith("plugin 'alfa', hook register_sheets: ")
    assert reason in message


def test_text_columns_take_the_model_length():
    assert sheet().column("text").max_length == 200


@pytest.mark.parametrize(("text", "key"), [("Nieuwe mbo'ers *", "nieuwemboers"), (" Organisátie ", "organisatie"),
                                           ("SCHOOL-JAAR", "schooljaar"), (None, "")])
def test_headers_are_matched_leniently(text, key):
    assert normalise_header(text) == key


@pytest.mark.parametrize(("value", "expected"), [
    (640, 640), (640.0, 640), ("640", 640), (" 1.640 ", 1640), ("1 640", 1640), ("-3", -3), ("+3", 3),
])
def test_integers(value, expected):
    assert cells.parse_integer(value) == expected


@pytest.mark.parametrize("value", ["abc", "1,5", "1.5", 12.5, True, dt.date(2024, 1, 1), "", "1.23"])
def test_not_integers(value):
    with pytest.raises(cells.Invalid, match="is geen geheel getal"):
        cells.parse_integer(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("12,50", D("12.50")), ("1.234,56", D("1234.56")), ("1,234.56", D("1234.56")), ("€ 7", D("7")),
    (0.1, D("0.1")), (0.1 + 0.2, D("0.3")), (3, D("3")), ("-0,5", D("-0.5")), ("12.5", D("12.5")),
])
def test_decimals_are_decimal(value, expected):
    parsed = cells.parse_decimal(value)
    assert parsed == expected and isinstance(parsed, D)


@pytest.mark.parametrize("value", ["abc", "1,2,3", float("nan"), float("inf"), "1.2.3,4,5", True])
def test_not_decimals(value):
    with pytest.raises(cells.Invalid, match="is geen getal"):
        cells.parse_decimal(value)


@pytest.mark.parametrize(("value", "expected"), [
    (dt.date(2024, 9, 1), dt.date(2024, 9, 1)), (dt.datetime(2024, 9, 1, 13, 5), dt.date(2024, 9, 1)),
    (45536.0, dt.date(2024, 9, 1)), ("1-9-2024", dt.date(2024, 9, 1)), ("01/09/2024", dt.date(2024, 9, 1)),
    ("2024-09-01", dt.date(2024, 9, 1)), ("1.9.2024", dt.date(2024, 9, 1)),
])
def test_dates(value, expected):
    assert cells.parse_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-2025", "2024-2025"), ("2024/2025", "2024-2025"), (" 2024 - 2025 ", "2024-2025"),
    ("24-25", "2024-2025"),  # the core's one normalisation (core.school_years), as forms accept it
    ("2024\u20132025", "2024-2025"),
])
def test_school_years(value, expected):
    assert cells.parse_school_year(value) == expected


@pytest.mark.parametrize("value", ["2024", "2024-2026", "24-26", 2024.0])
def test_not_school_years(value):
    with pytest.raises(cells.Invalid, match="is geen schooljaar"):
        cells.parse_school_year(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("ja", True), ("Nee", False), ("WAAR", True), ("onwaar", False), (True, True), (0.0, False), ("x", True),
])
def test_booleans(value, expected):
    assert cells.parse_boolean(value) is expected
