"""The extent of a worksheet (last row, last column holding a filled cell), read from its XML in pieces.

calamine allocates a sheet as a dense grid up to its last filled cell, so the size guard
(`safety.check_workbook`) needs that extent before any parser sees the sheet. Formatted but empty cells
(`<c r="XFD1048576" s="3"/>`, `<c r="B9"></c>`, as LibreOffice and Excel write them) and row elements do not
count: the reader allocates nothing for them.

The pass costs a few scans in C per piece, never work per cell in Python: one regular expression per tag
prefix finds the cells that lie outside the bounds seen so far (or are written in another form than
`<c r="A1"`); only those are parsed here, and each raises the bounds. Bounds are rounded up (two significant
digits of the row, the first letter of a wide column) so that few cells ever need a look; when the rounded
bounds would break a limit, a second pass with exact bounds gives the exact figures. A sheet with cells
without an address is walked the way the reader places them, a piece at a time (`Walk`): in C for pieces in
the plain form (`<row><c><v>1</v></c>...`), tag by tag in Python for any other.
"""
from __future__ import annotations

import functools
import re
from itertools import repeat
from typing import Callable, Iterable

NAME = rb"[A-Za-z_][\w.-]*"
_NAME = re.compile(NAME)
ANY_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_TAG_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])")
_EMPTY_CLOSE = re.compile(rb"\s*</(?:[A-Za-z_][\w.-]*:)?c\s*>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})([0-9]*)["']""")
# the rest of a tag after its address, quote-aware (a quoted '>' or '/>' does not end it), no backtracking
_ATTRS = rb"""(?:[^>"'/]|"[^"]*")*+"""
MAX_PREFIXES = 8  # more tag prefixes than this: the sheet is walked tag by tag
TAIL = 1 << 14  # where the last filled cell of a piece is looked for
EXACT_HITS = 64  # cells out of line raise the bounds exactly this often (per sheet; per piece in the exact pass,
# after which the rest of the piece is counted in bulk)


def column_number(letters: bytes) -> int:
    """b'A' -> 1, b'AB' -> 28 (1-based, as the limits count columns)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _letters(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _at_most(text: str, first: str, low: str, high: str) -> str:
    """A pattern for the strings of len(text) characters from [low-high] (the first from [first-high]) that sort
    at or below `text`; a string that starts with something else ('007') is left for the exact look."""
    core = text.rstrip(high) or text[:1]

    def any_of(count: int) -> str:
        return f"[{low}-{high}]{{{count}}}" if count > 1 else f"[{low}-{high}]" if count else ""

    def level(i: int) -> str:
        start = first if i == 0 else low
        if i == len(core) - 1:  # nothing but `high` after it
            return f"[{start}-{text[i]}]" + any_of(len(text) - i - 1)
        here = text[i] + level(i + 1)
        if text[i] == start:
            return here
        return f"(?:[{start}-{chr(ord(text[i]) - 1)}]{any_of(len(text) - i - 1)}|{here})"
    return level(0)


def _round_row(row: int) -> int:
    """A bound at or above `row` with two significant digits and nines after: 179,535 -> 179,999."""
    if row < 100:
        return row
    scale = 10 ** (len(str(row)) - 2)
    return (row // scale + 1) * scale - 1


def _round_column(column: int) -> int:
    """A bound at or above `column`: single letters exactly, wider columns up to their first letter + Z's."""
    if column <= 26:
        return column
    letters = _letters(column)
    return column_number(letters[0].encode() + b"Z" * (len(letters) - 1))


@functools.lru_cache(maxsize=256)
def _attention(prefix: bytes, max_row: int, max_col: int) -> re.Pattern:
    """The cell tags (with `prefix`) a cheap look cannot place within (max_row, max_col): another form than
    `<c r="A1"`, or an address beyond the bounds on a cell that may be filled."""
    inside = []
    if max_row and max_col:
        letters, digits = _letters(max_col), str(max_row)
        columns = _at_most(letters, "A", "A", "Z")
        if len(letters) > 1:
            columns = "(?:%s|[A-Z]{1,%d})" % (columns, len(letters) - 1)
        rows = _at_most(digits, "1", "0", "9") + '"'
        if len(digits) > 1:
            rows += '|[0-9]{1,%d}+"' % (len(digits) - 1)
        inside.append(' r="%s(?:%s)' % (columns, rows))
    alternatives = "|".join(inside + ["[^\\s>/]"]).encode()  # the common case first
    empty = rb' r="[A-Z]{1,3}[0-9]{1,7}"' + _ATTRS + rb"(?:/>|></" + re.escape(prefix) + rb"c>)"
    return re.compile(b"<" + re.escape(prefix) + b"c(?!" + alternatives + b"|" + empty + b")")


@functools.lru_cache(maxsize=64)
def _other_prefix(known: tuple[bytes, ...]) -> re.Pattern:
    """`:c` as in a prefixed cell tag (`<x:c `) whose prefix is not yet known."""
    behind = b"".join(b"(?<!<" + re.escape(p) + b"c)(?<!</" + re.escape(p) + b"c)" for p in known if p)
    return re.compile(rb":c" + behind + rb"(?=[\s>/])")  # the literal first: searched for fast


@functools.lru_cache(maxsize=64)
def _filled(prefix: bytes) -> re.Pattern:
    """A cell in the plain form that holds something (its address in groups 1 and 2)."""
    return re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Z]{1,3})([0-9]{1,7})"' + _ATTRS
                      + rb">(?!\s*</(?:[A-Za-z_][\w.-]*:)?c\s*>)")


class Extent:
    """The extent of one worksheet summed over its pieces (`safety.pieces`: every tag lies whole in one).

    `exact`: bounds are never rounded (the second pass). After the last piece, `result` gives the extent.
    """

    def __init__(self, exact: bool = False, start: tuple[int, int] = (0, 0), prefixes: tuple[bytes, ...] = (b"",)):
        self.exact = exact
        self.prefixes = list(prefixes)
        self.top_row, self.top_col = start  # the farthest filled cell seen (exact)
        self.max_row, self.max_col = start  # the bounds the cheap look checks against (>= top)
        self.walk = False  # a cell without an address: only a walk tag by tag places it
        self.walker: Walk | None = None  # the walk from the sheet's start, when that was still at hand
        self.fed = 0  # pieces fed
        self.hits = 0  # cells the cheap look could not place

    def _raise(self, row: int, col: int, exact: bool = False) -> None:
        self.top_row, self.top_col = max(self.top_row, row), max(self.top_col, col)
        if self.exact or exact:
            self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
        else:
            self.max_row = max(self.max_row, _round_row(row))
            self.max_col = max(self.max_col, _round_column(col))

    def feed(self, piece: bytes) -> None:
        self.fed += 1
        if self.walker is not None:
            self.walker.feed(piece)
            return
        if self.walk:
            return
        self._find_prefixes(piece)
        for prefix in list(self.prefixes):
            if self.walk:
                break
            if not self.exact:
                self._last_filled(piece, prefix)
            self._look(piece, prefix)
        if self.walk and self.fed == 1 and not self.exact:  # the walk starts here, no second pass
            self.walker = Walk()
            self.walker.feed(piece)

    def _find_prefixes(self, piece: bytes) -> None:
        pos = 0
        while True:
            match = _other_prefix(tuple(self.prefixes)).search(piece, pos)
            if match is None:
                return
            at = match.start()
            opening = piece.rfind(b"<", max(0, at - 256), at)
            pos = at + 2
            if opening >= 0 and _NAME.fullmatch(piece, opening + 1, at):
                if len(self.prefixes) > MAX_PREFIXES:
                    self.walk = True
                    return
                self.prefixes.append(piece[opening + 1:at] + b":")

    def _last_filled(self, piece: bytes, prefix: bytes) -> None:
        """Raise the bounds to the last filled cell near the end of the piece (in a sorted sheet, its farthest)."""
        pattern = _filled(prefix)
        last = piece.rfind(b"<" + prefix + b'c r="')
        if last < 0:
            return
        match = pattern.match(piece, last)
        if match is None:
            for match in pattern.finditer(piece, max(0, len(piece) - TAIL)):
                pass
        if match is not None:
            row, col = int(match.group(2)), column_number(match.group(1))
            # a sheet grows piece by piece (rounded bounds); a jump is one far cell, kept exact: no second pass
            self._raise(row, col, exact=row > 2 * self.max_row or col > 2 * self.max_col)

    def _look(self, piece: bytes, prefix: bytes) -> None:
        pos = 0
        hits = 0
        while True:
            match = _attention(prefix, self.max_row, self.max_col).search(piece, pos)
            if match is None:
                return
            tag = tag_at(piece, match.start())
            if tag is None:
                pos = match.start() + 1
                continue
            _, attrs, pos, closed = tag
            if _empty(piece, attrs, pos, closed):
                continue
            address = _address(attrs)
            if address is None:  # placed after the cell before it: only a walk knows where
                self.walk = True
                return
            self.hits += 1  # the first few cells out of line raise the bounds exactly: one far cell needs no
            self._raise(*address, exact=self.hits <= EXACT_HITS)  # second pass for its exact address
            hits += 1
            if self.exact and hits == EXACT_HITS:  # unsorted: count the rest of the piece in bulk
                cells = _filled(prefix).findall(piece, pos)
                if cells:
                    self._raise(max(int(row) for _, row in cells), max(column_number(col) for col, _ in cells))

    def result(self, again: Callable[[], Iterable[bytes]], fits: Callable[[tuple[int, int]], bool] | None = None,
               ) -> tuple[int, int]:
        """(last row, last column) holding a filled cell; `again()` gives the pieces once more when needed.

        `fits(extent)`: whether an extent passes the limits; bounds that fit are returned as they are (they
        are at or above the exact figures), otherwise the exact extent.
        """
        if self.walker is not None:
            return self.walker.result()
        if self.walk:
            return walk(again())
        bounds = (self.max_row, self.max_col)
        if bounds == (self.top_row, self.top_col) or (fits is not None and fits(bounds)):
            return bounds
        exact = Extent(exact=True, start=(self.top_row, self.top_col), prefixes=tuple(self.prefixes))
        for piece in again():
            exact.feed(piece)
        if exact.walk:
            return walk(again())
        return exact.top_row, exact.top_col


def tag_at(piece: bytes, pos: int) -> tuple[bytes, bytes, int, bool] | None:
    """The row or cell tag that opens at `pos`: (b"row" or b"c", its attributes, where it ends, whether its
    end was seen). None when no such tag opens there.

    A tag whose end is not in sight (a quote left open, or a quoted '><' where the stream was cut) runs to
    the next '>' and may hold something.
    """
    match = ANY_TAG.match(piece, pos)
    if match is not None:
        return match.group(1), match.group(2), match.end(), True
    match = _TAG_START.match(piece, pos)
    if match is None:
        return None
    end = piece.find(b">", match.end())
    end = len(piece) if end < 0 else end
    return match.group(1), piece[match.end():end], end, False


def _address(attrs: bytes) -> tuple[int, int] | None:
    ref = _R_ATTR.search(attrs)
    if ref and ref.group(1) and ref.group(2):
        return int(ref.group(2)), column_number(ref.group(1))
    return None


def _empty(piece: bytes, attrs: bytes, end: int, closed: bool) -> bool:
    """A formatted but empty cell (`<c .../>`, `<c ...></c>`): the reader allocates nothing for it."""
    return closed and (attrs.rstrip().endswith(b"/") or _EMPTY_CLOSE.match(piece, end) is not None)


_CELL_ENDS = (b"</v></c>", b"</f></c>", b"</is></c>")


class Walk:
    """The extent of a worksheet in any form, tag by tag (quoted attributes may hold '>'), fed piece by piece:
    a row or cell without an address follows the one before it, as the reader places it.

    A piece in the plain form of a sheet without addresses is counted with a few scans in C: every row and
    cell tag is `<row>` or `<c>`, or has attributes without an address, a '/' or a quoted '<' or '>'
    (`_plain_attributes`), and every `</c` closes a value, a formula or an inline string (`</v></c>`,
    `</f></c>`, `</is></c>`: no cell is empty). Any other piece (prefixes, empty cells) is walked tag by tag.
    """

    def __init__(self) -> None:
        self.row = self.col = self.max_row = self.max_col = 0

    def feed(self, content: bytes) -> None:
        if not self._plain(content):
            self._tags(content)

    def result(self) -> tuple[int, int]:
        return self.max_row, self.max_col

    def _plain(self, content: bytes) -> bool:
        """Count a piece in the plain form without addresses; False (nothing counted) for any other piece."""
        if b":" in content and (b":c" in content or b":row" in content):  # prefixed tags
            return False
        closes = content.count(b"</c")
        if closes != content.count(_CELL_ENDS[0]) and closes != sum(map(content.count, _CELL_ENDS)):
            return False  # a cell that may be empty (<c></c>, <c> </c>) or is closed otherwise
        head, *rest = content.split(b"<row")
        counts = list(map(bytes.count, rest, repeat(b"<c")))
        before = head.count(b"<c")
        cells, bare = before + sum(counts), content.count(b"<c>")
        if bare != cells or not all(map(bytes.startswith, rest, repeat(b">"))):
            if bare + content.count(b"<c ") != cells or not all(map(bytes.startswith, rest, repeat((b">", b" ")))):
                return False  # a tag that starts alike (<col, <rowBreaks) or <c/>, <c\t
            if not _plain_attributes(content):
                return False
        # every cell is filled and follows the one before it; every row follows the row before it
        if before:
            self.col += before
            self.max_row, self.max_col = max(self.max_row, self.row, 1), max(self.max_col, self.col)
        if counts:
            widest = max(counts)
            if widest:
                last = len(counts) - next(i for i, n in enumerate(reversed(counts)) if n)
                self.max_row = max(self.max_row, self.row + last)
                self.max_col = max(self.max_col, widest)
            self.row += len(counts)
            self.col = counts[-1]
        return True

    def _tags(self, content: bytes) -> None:
        tags = [(m.group(1), m.group(2), m.end(), True) for m in ANY_TAG.finditer(content)]
        left_open = _TAG_START.search(content, tags[-1][2] if tags else 0)  # its end is in the next piece
        if left_open is not None:
            tags.append(tag_at(content, left_open.start()))
        row, col, max_row, max_col = self.row, self.col, self.max_row, self.max_col
        for name, attrs, end, closed in tags:
            ref = _R_ATTR.search(attrs) if attrs else None
            if name == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                continue
            if ref and ref.group(1) and ref.group(2):
                col, cell_row = column_number(ref.group(1)), int(ref.group(2))
            else:
                col, cell_row = col + 1, max(row, 1)
            if not _empty(content, attrs, end, closed):
                max_row = max(max_row, cell_row)
                max_col = max(max_col, col)
        self.row, self.col, self.max_row, self.max_col = row, col, max_row, max_col


_NOT_MARKUP = bytes(c for c in range(256) if c not in b"<>\"'")
_SPACED_R = re.compile(rb"r\s+=")


def _plain_attributes(content: bytes) -> bool:
    """Whether the attributes of the tags in `content` leave every tag ending at its first '>' and no row or
    cell with an address or self-closed (`<c s="1">`, `<row spans="1:3">`)."""
    if b"r=" in content or _SPACED_R.search(content):  # an address, perhaps
        return False
    if content.count(b"/") != content.count(b"</"):  # a self-closed tag, or a '/' in a value or text
        return False
    markup = content.translate(None, _NOT_MARKUP)  # quotes pair within one tag or one text, no quoted '<', '>'
    if b'"' in markup or b"'" in markup:
        markup = markup.replace(b'""', b"").replace(b"''", b"")
    return len(markup) == 2 * markup.count(b"<>")


def walk(pieces: Iterable[bytes]) -> tuple[int, int]:
    """The extent of a worksheet in any form (see `Walk`), piece by piece."""
    walker = Walk()
    for content in pieces:
        walker.feed(content)
    return walker.result()


def sheet_extent(content: bytes) -> tuple[int, int]:
    """(last row, last column) holding a filled cell in this worksheet XML: what calamine will allocate."""
    extent = Extent()
    extent.feed(content)
    return extent.result(lambda: [content])
