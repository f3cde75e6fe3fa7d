"""Property tests: any valid sheet imports (and then re-imports as a no-op); any corruption names its cell."""
from __future__ import annotations

import datetime as dt
import decimal
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.excel.reader import cell_ref

from .conftest import EDITOR, add_membership, counts, greetings, openpyxl_file, run_import, xlsxwriter_file

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ORGS = ["GM0344", "GM0310"]  # the editor may write both
BRINS = ["25LH", "30RN", "01OE", "23KG"]
MUNICIPALITIES = ["GM0344", "GM0310", "GM0356", "GM1581"]
MOODS = ["blij", "neutraal", "somber"]
COLUMNS = ["org", "year", "text", "sent", "answered", "budget", "sent_on", "public", "mood", "brin", "municipality"]

@pytest.fixture
def editor_of_two(app, editor):
    """Set up once per test function (Hypothesis then runs every example against the same database)."""
    add_membership(app, EDITOR, "GM0310", "editor")
    return EDITOR


words = st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs"), blacklist_characters="\x00"),
                min_size=1, max_size=30).map(str.strip).filter(bool)
money = st.decimals(min_value=0, max_value=999_999, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def greeting_rows(draw):
    # large counts up to what an Integer column holds (2**31 - 1) are valid
    sent = draw(st.none() | st.integers(0, 10**6) | st.integers(2**31 - 1000, 2**31 - 1))
    answered = draw(st.none() | st.integers(0, sent if sent is not None else 10**6))
    return {
        "org": draw(st.sampled_from(ORGS)),
        "year": (lambda y: f"{y}-{y + 1}")(draw(st.integers(2015, 2035))),
        "text": draw(words),
        "sent": sent,
        "answered": answered,
        "budget": draw(st.none() | money),
        "sent_on": draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))),
        "public": draw(st.none() | st.booleans()),
        "mood": draw(st.none() | st.sampled_from(MOODS)),
        "brin": draw(st.none() | st.sampled_from(BRINS)),
        "municipality": draw(st.none() | st.sampled_from(MUNICIPALITIES)),
    }


sheets = st.lists(greeting_rows(), min_size=1, max_size=8,
                  unique_by=lambda r: (r["org"], r["year"], r["text"]))


@st.composite
def spellings(draw, rows):
    """The same rows as people write them: real numbers or numbers as text, dates or date text, ja/nee or booleans."""
    out = []
    for r in rows:
        cells = []
        for key in COLUMNS:
            value = r[key]
            if value is None:
                cells.append(None)
            elif key in ("sent", "answered") and draw(st.booleans()):
                cells.append(str(value))
            elif key == "budget":
                cells.append(draw(st.sampled_from([float(value), format(value, "f").replace(".", ","),
                                                   format(value, "f")])))
            elif key == "sent_on" and draw(st.booleans()):
                cells.append(value.strftime("%d-%m-%Y"))
            elif key == "public":
                cells.append(draw(st.sampled_from([value, "ja" if value else "nee", "WAAR" if value else "ONWAAR"])))
            elif key == "mood":
                cells.append(draw(st.sampled_from([value, value.upper()])))
            else:
                cells.append(value)
        out.append(cells)
    return out


def write(rows, which: str) -> bytes:
    header = ["Organisatie", "Schooljaar", "Groet", "Verstuurd", "Beantwoord", "Budget", "Verstuurd op",
              "Openbaar", "Stemming", "BRIN", "Gemeente"]
    return openpyxl_file(rows, header) if which == "openpyxl" else xlsxwriter_file(rows, header)


@SETTINGS
@given(data=st.data(), rows=sheets, which=st.sampled_from(["openpyxl", "xlsxwriter"]))
def test_a_valid_sheet_always_imports_and_then_changes_nothing(app, editor_of_two, data, rows, which):
    file = write(data.draw(spellings(rows)), which)
    prepared = run_import(app, file)
    assert [str(p) for p in prepared.problems] == []
    again = run_import(app, file)
    assert (len(again.diff.new), len(again.diff.changed), again.diff.unchanged) == (0, 0, len(rows))
    stored = {(g["text"], g["school_year"]): g for g in greetings(app)}
    for r in rows:
        g = stored[(r["text"], r["year"])]
        assert (g["sent"], g["answered"], g["sent_on"], g["public"], g["mood"]) == (
            r["sent"], r["answered"], r["sent_on"], r["public"], r["mood"])
        assert g["budget"] == (None if r["budget"] is None else r["budget"].quantize(decimal.Decimal("0.01")))


CORRUPTIONS = {
    "org": ["GM9999", "XX", "GM0599", "GM0356", 12.5],
    "year": ["2024-2026", "abc", "2010-2011", 2024],
    "text": [None, "x" * 201],
    "sent": ["abc", -1, 1.5, "1,5", 2**31, 3_000_000_000, "3.000.000.000", 10**19, 2**63, -(2**31) - 1],
    "answered": ["abc", -5, "rule"],
    "budget": ["twaalf", 12.345, -1, 2_000_000],
    "sent_on": ["31-02-2024", "gisteren", dt.date(1999, 1, 1)],
    "public": ["misschien", 2],
    "mood": ["boos", "blij!"],
    "brin": ["ABCD", "99ZZ"],
    "municipality": ["GM9999", "GM0599", "Utrecht"],
}


@SETTINGS
@given(rows=sheets, which=st.sampled_from(["openpyxl", "xlsxwriter"]), data=st.data())
def test_a_corrupted_cell_is_always_named(app, editor_of_two, rows, which, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(CORRUPTIONS)))
    bad = data.draw(st.sampled_from(CORRUPTIONS[column]))
    cells = [[r[k] for k in COLUMNS] for r in rows]
    position = COLUMNS.index(column)
    if bad == "rule":  # answered greater than sent: reported on the answered cell
        cells[index][COLUMNS.index("sent")] = 5
        bad = 6
    cells[index][position] = bad
    before = counts(app)
    prepared = run_import(app, write(cells, which))
    refs = [p.ref for p in prepared.problems]
    assert cell_ref(index + 2, position) in refs, [str(p) for p in prepared.problems]
    assert counts(app) == before


# --- numbers beyond what the database holds -------------------------------------------------------------------

INT32_MAX = 2**31 - 1
LARGE = settings(SETTINGS, max_examples=25)  # each example is an import; 25 cover both writers and all spellings
too_large_counts = (st.integers(INT32_MAX + 1, 2**63 - 1)  # beyond int32 (PostgreSQL's integer)
                    | st.integers(2**63, 10**40)  # beyond int64 (SQLite's integer, PostgreSQL's bigint)
                    | st.sampled_from([INT32_MAX + 1, 2**63 - 1, 2**63, 2**64, 10**19]))


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@st.composite
def count_spellings(draw, value: int):
    """A large count as people write it: a number cell, digits in a text cell, or Dutch thousands separators."""
    return draw(st.sampled_from([value, str(value), _grouped(value)]))


@LARGE
@given(rows=sheets, which=st.sampled_from(["openpyxl", "xlsxwriter"]), data=st.data())
def test_a_count_beyond_what_the_database_holds_is_refused_at_validation_in_dutch(app, editor_of_two, rows, which,
                                                                                  data):
    """Beyond int32 and beyond int64 alike: one Dutch message at the cell at validation, so the confirm never
    meets the value (run_import would commit a file that passed, and the database would refuse it)."""
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(["sent", "answered"]))
    value = data.draw(too_large_counts)
    cells = [[r[k] for k in COLUMNS] for r in rows]
    cells[index][COLUMNS.index("sent")] = cells[index][COLUMNS.index("answered")] = None  # no answered <= sent rule
    cells[index][COLUMNS.index(column)] = data.draw(count_spellings(value))
    before = counts(app)
    prepared = run_import(app, write(cells, which))
    ref = cell_ref(index + 2, COLUMNS.index(column))
    messages = [str(p) for p in prepared.problems]
    assert len(messages) == 1, messages
    match = re.fullmatch(rf"{ref}: ([\d.]+) is groter dan het maximum 2\.147\.483\.647", messages[0])
    assert match, messages
    # the value as the file holds it: a number cell beyond 2^53 is a double (Excel's own numbers), text is exact
    assert abs(int(match.group(1).replace(".", "")) - value) <= value * 2**-52, messages
    assert counts(app) == before


@LARGE
@given(rows=sheets, which=st.sampled_from(["openpyxl", "xlsxwriter"]), data=st.data())
def test_an_amount_beyond_its_bound_is_refused_at_validation_in_dutch(app, editor_of_two, rows, which, data):
    """Budget is Numeric(12, 2) with a declared maximum of 1.000.000: anything above, up to far beyond what
    the column can hold (10^10) and beyond any integer type, is named at its cell."""
    index = data.draw(st.integers(0, len(rows) - 1))
    amount = data.draw(st.decimals(min_value=decimal.Decimal("1000000.01"), max_value=decimal.Decimal(10) ** 30,
                                   places=2, allow_nan=False, allow_infinity=False))
    spelled = data.draw(st.sampled_from([format(amount, "f"), format(amount, "f").replace(".", ","),
                                         int(amount) + 1, float(amount)]))
    cells = [[r[k] for k in COLUMNS] for r in rows]
    cells[index][COLUMNS.index("budget")] = spelled
    before = counts(app)
    prepared = run_import(app, write(cells, which))
    messages = [str(p) for p in prepared.problems]
    ref = cell_ref(index + 2, COLUMNS.index("budget"))
    assert len(messages) == 1 and messages[0].startswith(f"{ref}: "), messages
    assert messages[0].endswith("is groter dan het maximum 1000000"), messages
    assert counts(app) == before
