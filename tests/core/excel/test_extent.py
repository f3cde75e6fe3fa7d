"""The size guard's streamed extent of a sheet is the extent the reader allocates, for sheets in any form
(prefixed tags, cells without an address, quoted '>', formatted but empty cells, rows out of order) and
wherever the stream is cut: compared with a plain walk over the whole sheet XML, tag by tag."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.excel import safety
from core.excel.extent import Extent, walk
from core.excel.reader import column_letter
from core.excel.safety import Limits, RefusedFile, check_workbook

from .conftest import openpyxl_file, row
from .test_formatted_empty import with_tail

_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_CLOSE = re.compile(rb"\s*</(?:[A-Za-z_][\w.-]*:)?c\s*>")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})([0-9]*)["']""")


def whole_walk(content: bytes) -> tuple[int, int]:
    """The reference: every row and cell tag of the whole XML in order, as the reader places them."""
    max_row = max_col = row_number = col = 0
    for match in _TAG.finditer(content):
        tag, attrs = match.groups()
        ref = _REF.search(attrs)
        if tag == b"row":
            row_number, col = (int(ref.group(2)) if ref and ref.group(2) else row_number + 1), 0
            continue
        if ref and ref.group(1) and ref.group(2):
            col, cell_row = 0, int(ref.group(2))
            for ch in ref.group(1).upper():
                col = col * 26 + ch - 64
        else:
            col, cell_row = col + 1, max(row_number, 1)
        if not (attrs.rstrip().endswith(b"/") or _CLOSE.match(content, match.end())):
            max_row, max_col = max(max_row, cell_row), max(max_col, col)
    return max_row, max_col


FILLED = ['<{p}c{a}><{p}v>1</{p}v></{p}c>', '<{p}c{a} t="s"><{p}v>0</{p}v></{p}c>', '<{p}c{a}><{p}f>A1</{p}f></{p}c>',
          "<{p}c{a} t='e'><{p}v>#N/A</{p}v></{p}c>", '<{p}c{a} x="/>"><{p}v>1</{p}v></{p}c>']
EMPTY = ['<{p}c{a}/>', '<{p}c{a} s="1"/>', '<{p}c{a}></{p}c>', '<{p}c{a} s="2"> </{p}c>', "<{p}c{a} s='1' />"]
cells = st.tuples(st.integers(1, 1_100_000), st.integers(1, 17_000), st.booleans(), st.integers(0, 4),
                  st.sampled_from(["r", "r-late", "r-single", "none"]))


def render(items, prefix: str, row_refs: bool) -> bytes:
    parts = ["<%sworksheet><%ssheetData>" % (prefix, prefix)]
    for i, (r, c, filled, form, ref) in enumerate(items):
        address = f"{column_letter(c - 1)}{r}"
        attrs = {"r": f' r="{address}"', "r-late": f' s="1" r="{address}"', "r-single": f" r='{address}'",
                 "none": ""}[ref]
        row_attr = f' r="{r}"' if row_refs else ""
        cell = (FILLED if filled else EMPTY)[form].format(p=prefix, a=attrs)
        parts.append(f'<{prefix}row{row_attr}><{prefix}c r="A{i + 1}" s="3"/>{cell}</{prefix}row>')
    parts.append("</%ssheetData></%sworksheet>" % (prefix, prefix))
    return "".join(parts).encode()


def streamed(content: bytes, chunk: int, fits=None) -> tuple[int, int]:
    def pieces():
        return safety.pieces(content[i:i + chunk] for i in range(0, len(content), chunk))
    extent = Extent()
    for piece in pieces():
        extent.feed(piece)
    return extent.result(pieces, fits)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=12), st.sampled_from(["", "x:", "ns.a-1:"]), st.booleans(),
       st.integers(7, 400))
def test_the_streamed_extent_is_the_walk_of_the_whole_sheet(items, prefix, row_refs, chunk):
    content = render(items, prefix, row_refs)
    assert streamed(content, chunk) == whole_walk(content) == walk([content])


PLAIN = ["<{p}c><{p}v>1</{p}v></{p}c>", "<{p}c><{p}f>A1</{p}f></{p}c>", "<{p}c><{p}is><{p}t>x</{p}t></{p}is></{p}c>",
         '<{p}c s="1" t="s"><{p}v>0</{p}v></{p}c>', "<{p}c><{p}v>1</{p}v> </{p}c>", "<{p}c>1</{p}c>", "<{p}c></{p}c>",
         "<{p}c> </{p}c>", "<{p}c/>", "<{p}c />", '<{p}c s="1"/>', '<{p}c s="1" />', '<{p}c s="1"></{p}c>',
         '<{p}c r="C7"><{p}v>1</{p}v></{p}c>', '<{p}c s="1" r = "C7"><{p}v>1</{p}v></{p}c>',
         "<{p}c x='>'><{p}v>1</{p}v></{p}c>", "<{p}c x='\"'><{p}v>1</{p}v></{p}c>",
         "<{p}c s=\" r='B9'\"><{p}v>1</{p}v></{p}c>", '<{p}c xr="1"><{p}v>1</{p}v></{p}c>', "<{p}c\t><{p}v>1</{p}v></{p}c>",
         "<{p}c><{p}v>a/b</{p}v></{p}c>",
         '<{p}c x="<{p}c>"><{p}v>1</{p}v></{p}c>', '<{p}col><{p}v>1</{p}v></{p}col>', "<!-- <{p}c> -->"]
ROW_TAGS = ["<{p}row>", '<{p}row spans="1:3">', '<{p}row r="{r}">', '<{p}row ht="15" r="{r}">', "<{p}row/>",
            "<{p}row >", "<{p}rowBreaks>"]
plain_rows = st.lists(st.tuples(st.sampled_from(range(len(ROW_TAGS))), st.integers(1, 300),
                                st.lists(st.sampled_from(range(len(PLAIN))), max_size=8)), max_size=10)


def render_plain(rows, prefix: str, weights: int) -> bytes:
    """Rows and cells mostly without addresses; forms from `weights` on are replaced by the first plain ones."""
    parts = ["<%sworksheet><%ssheetData>" % (prefix, prefix)]
    for tag, r, items in rows:
        parts.append(ROW_TAGS[tag if tag < weights else tag % 2].format(p=prefix, r=r))
        parts.extend(PLAIN[i if i < weights else i % 4].format(p=prefix) for i in items)
        parts.append("</%srow>" % prefix)
    parts.append("</%ssheetData></%sworksheet>" % (prefix, prefix))
    return "".join(parts).encode()


@settings(max_examples=400, deadline=None)
@given(plain_rows, st.sampled_from(["", "", "x:"]), st.integers(1, len(PLAIN)), st.integers(7, 400))
def test_rows_and_cells_without_addresses_are_placed_as_the_reader_places_them(rows, prefix, weights, chunk):
    content = render_plain(rows, prefix, weights)
    assert streamed(content, chunk) == whole_walk(content) == walk([content])


def test_a_plain_sheet_without_addresses_counts_its_widest_row_and_its_last_filled_row():
    content = render_plain([(0, 1, [0, 3])] * 300 + [(1, 1, [0] * 30)] + [(0, 1, [])] * 500 + [(0, 1, [6, 10])], "", 16)
    for chunk in (50, 1000, 1 << 20):
        assert streamed(content, chunk) == whole_walk(content) == (301, 30)


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=12), st.integers(7, 400), st.integers(1, 300), st.integers(1, 1_200_000))
def test_bounds_that_fit_the_limits_decide_as_the_exact_extent_would(items, chunk, columns, rows):
    limits = Limits(max_rows=rows, max_columns=columns, max_cells=rows * columns // 3 + 1)
    content = render(items, "", True)

    def fits(extent):
        return safety._fits(extent, limits)
    assert fits(streamed(content, chunk, fits)) == fits(whole_walk(content))


@pytest.mark.parametrize("chunk", [1000, 1 << 20])
def test_long_sheets_sorted_or_not_are_measured_exactly(chunk):
    ordered = [(r, 1 + r % 20, True, 0, "r") for r in range(1, 3000)]
    assert streamed(render(ordered, "", True), chunk) == (2999, 20)
    # every cell further than the one before, the last one near A1: the exact pass counts in bulk
    unsorted = [(r, 1 + r % 30, True, 0, "r") for r in range(3000, 6000)] + [(1, 1, True, 0, "r")]
    content = render(unsorted, "", True)
    assert streamed(content, chunk) == whole_walk(content) == (5999, 30)


@given(st.sampled_from(["x", "ns0", "s.1-a"]))
def test_a_far_filled_cell_in_a_prefixed_sheet_is_refused_naming_the_sheet(prefix):
    data = openpyxl_file([row()])
    tail = f'<{prefix}:row r="1048576"><{prefix}:c r="B1048576"><{prefix}:v>1</{prefix}:v></{prefix}:c></{prefix}:row>'
    try:
        check_workbook(with_tail(data, tail))
    except RefusedFile as refused:
        assert str(refused) == ("Werkblad 'Groeten' heeft gegevens tot rij 1.048.576; meer dan 200.000 rijen "
                                "wordt niet gelezen. Splits het bestand.")
    else:
        raise AssertionError("not refused")
