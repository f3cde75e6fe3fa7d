"""Refuse hostile or unsupported files before any spreadsheet parser sees them.

Neither calamine nor openpyxl limits decompression (a 300 KB zip bomb drove
them to gigabytes), and calamine allocates every sheet as a dense grid from
its first to its last cell, so two cells at A1 and XFD1048576 make it
request 512 GiB and abort the process. So every upload passes this check
first; it reads the zip's own directory and then every entry as a stream,
piece by piece (memory stays at a few megabytes whatever the upload), and
refuses with a message in the uploader's language (Dutch on the command line
and outside an app context). A large worksheet may be left for later
(`defer`): the reader first looks for its header on a streamed look at its
first rows, and `check_deferred` checks it whole before any parser reads it.
Refused are:

* empty, too large, legacy .xls, encrypted (OLE container), .csv or other
  text renamed, .ods, .xlsb, anything that is not a zip;
* a truncated or corrupt zip (including sizes that do not match the data);
* macros: .xlsm names, vbaProject.bin, macro sheets, macro-enabled content types;
* zip bombs: too many entries, too much declared or actual uncompressed data,
  a suspicious compression ratio;
* XML with a DTD or entities (billion laughs, external entities) or in UTF-16;
* sheets whose cells span more rows, columns or cells than configured.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from flask_babel import gettext as _

from core.excel.normalise import part_name
from core.excel.sheetscan import part_title, sheet_part
from core.i18n import grouped

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
RATIO_FLOOR = 1024 * 1024  # entries smaller than this may compress as well as they like
CHUNK = 1 << 20
DEFER_BYTES = 4 << 20  # worksheets above this may be checked whole after their header was found


class RefusedFile(ValueError):
    """The file is refused; str(exc) is the message for the user, in their language."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_uncompressed: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 1000
    max_rows: int = 200_000
    max_columns: int = 200
    max_cells: int = 4_000_000

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            max_bytes=int(config.get("MAX_CONTENT_LENGTH") or cls.max_bytes),
            max_uncompressed=int(config.get("EXCEL_MAX_UNCOMPRESSED_MB", 100)) * 1024 * 1024,
            max_ratio=int(config.get("EXCEL_MAX_RATIO", cls.max_ratio)),
            max_entries=int(config.get("EXCEL_MAX_ZIP_ENTRIES", cls.max_entries)),
            max_rows=int(config.get("EXCEL_MAX_ROWS", cls.max_rows)),
            max_columns=int(config.get("EXCEL_MAX_COLUMNS", cls.max_columns)),
            max_cells=int(config.get("EXCEL_MAX_CELLS", cls.max_cells)),
        )


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n / (1024 * 1024):.0f} MB"


def check_workbook(data: bytes, filename: str | None = None, limits: Limits = Limits(),
                   defer: list[str] | None = None) -> None:
    """Raise RefusedFile unless `data` is a plain .xlsx within `limits`.

    Every part is unpacked as a stream and checked piece by piece, so memory stays bounded whatever the size.
    `defer` (a list): worksheets over DEFER_BYTES are checked only at their start and their names appended;
    `check_deferred` checks them whole, before any parser reads them (the reader looks for the header first).
    """
    name = (filename or "").lower()
    if not data:
        raise RefusedFile(_("Het bestand is leeg (0 bytes)."))
    if len(data) > limits.max_bytes:
        raise RefusedFile(_("Het bestand is groter dan %(size)s; dat is de grens voor uploads.",
                            size=_mb(limits.max_bytes)))
    if name.endswith(MACRO_SUFFIXES):
        raise RefusedFile(_("Bestanden met macro's (.xlsm) worden niet geaccepteerd; "
                            "sla het op als Excel-werkmap (.xlsx)."))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_MARK in data:
            raise RefusedFile(_("Het bestand is met een wachtwoord beveiligd (versleuteld); "
                                "haal de beveiliging weg en sla het op als .xlsx."))
        raise RefusedFile(_("Dit is een oud Excel-bestand (.xls); sla het op als Excel-werkmap (.xlsx)."))
    if not data.startswith(ZIP_MAGIC):
        if _looks_like_text(data):
            raise RefusedFile(_("Dit is een tekst- of CSV-bestand, geen Excel-werkmap; "
                                "open het in Excel en sla het op als .xlsx."))
        raise RefusedFile(_("Dit is geen Excel-werkmap (.xlsx)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise RefusedFile(_("Het bestand is beschadigd of onvolledig (geen geldig .xlsx-bestand).")) from None
    _check_directory(infos, limits)
    names = {part_name(i.filename) for i in infos}
    if len(names) != len(infos):  # two entries with one name once spelled the standard way
        raise RefusedFile(_("Het bestand is beschadigd of onvolledig (geen geldig .xlsx-bestand)."))
    if "mimetype" in names and "content.xml" in names:
        raise RefusedFile(_("Dit is een OpenDocument-werkblad (.ods); sla het op als Excel-werkmap (.xlsx)."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise RefusedFile(_("Binaire Excel-werkmappen (.xlsb) worden niet geaccepteerd; sla het op als .xlsx."))
        raise RefusedFile(_("Dit is geen Excel-werkmap (.xlsx): de onderdelen van een werkmap ontbreken."))
    total = 0
    for info in infos:
        total += _check_entry(archive, info, limits, limits.max_uncompressed - total, defer)


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise RefusedFile(_("Het bestand bevat te veel onderdelen (%(entries)s); dit is geen gewone Excel-werkmap.",
                            entries=grouped(len(infos))))
    declared = 0
    for info in infos:
        lower = part_name(info.filename).lower()
        if info.flag_bits & 0x1:
            raise RefusedFile(_("Het bestand is met een wachtwoord beveiligd (versleuteld); "
                                "haal de beveiliging weg en sla het op als .xlsx."))
        if lower.endswith("vbaproject.bin") or "/macrosheets/" in lower or lower.endswith("vbaprojectsignature.bin"):
            raise RefusedFile(_("Het bestand bevat macro's (VBA); die worden niet geaccepteerd. "
                                "Sla het op als Excel-werkmap (.xlsx) zonder macro's."))
        declared += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise RefusedFile(_("Het bestand pakt uit tot een verdacht grote hoeveelheid gegevens "
                                "(mogelijk een zip-bom) en wordt niet geopend."))
    if declared > limits.max_uncompressed:
        raise RefusedFile(_("Het bestand pakt uit tot meer dan %(size)s; dat is meer dan toegestaan (mogelijk een "
                            "zip-bom).", size=_mb(limits.max_uncompressed)))


_XML_SUFFIXES = (".xml", ".rels", ".vml")
# A cell counts only when it holds something: calamine allocates no grid for a formatted but empty cell
# (`<c r="A1048576" s="3"/>`, `<c r="B9"></c>`) nor for a row element, as LibreOffice and Excel write them
# (measured: a value at A1 and a formatted empty XFD1048576 read as a 1 x 1 grid, 26 MB peak).
_FILLED = rb'"[^>]*(?<!/)>(?!</c>)'
_WIDE_CELL = re.compile(rb'<c r="([A-Za-z]{2,3})[0-9]+' + _FILLED)
_HIGH_ROW = re.compile(rb'<c r="[A-Za-z]{1,3}([0-9]{6,})' + _FILLED)
# Anything but the plain form (`<c r="..."`, `<row r="..."`): a namespace prefix, other whitespace
_ODD_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)[\t\r\n]|<[A-Za-z_][\w.-]*:(?:c|row)[\s>/]")
_ANY_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_EMPTY_CLOSE = re.compile(rb"\s*</(?:[A-Za-z_][\w.-]*:)?c\s*>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})([0-9]*)["']""")


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """The entry decompressed CHUNK by CHUNK, refused as soon as it unpacks to more than it declares or than
    `budget`, or turns out corrupt (bad CRC, truncated, unknown compression) when it ends."""
    size = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > budget or size > info.file_size:
                    raise RefusedFile(_("Het bestand pakt uit tot meer gegevens dan het zelf opgeeft of dan "
                                        "toegestaan is (mogelijk een zip-bom) en wordt niet geopend."))
                yield chunk
    except RefusedFile:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise RefusedFile(_("Het bestand is beschadigd of onvolledig (geen geldig .xlsx-bestand).")) from None
    if size != info.file_size:
        raise RefusedFile(_("Het bestand is beschadigd of onvolledig (geen geldig .xlsx-bestand)."))


def _cut(buffer: bytearray, start: int) -> int:
    """The last position (past `start`) between a '>' and a '<' that opens a tag ('<x', not '</'), or 0."""
    end = len(buffer) - 1  # the byte after the '<' must be known
    while True:
        at = buffer.rfind(b"><", start, end)
        if at < 0:
            return 0
        if buffer[at + 2] != 0x2F:  # '/'
            return at + 1
        end = at + 1


def pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """XML in pieces of about CHUNK bytes, each ending with '>' where the next piece opens a tag.

    Every pattern the size guard looks for (`<c r="..."...>` and what follows its '>', `<row`, `<!DOCTYPE`)
    starts with '<' and runs to the first '>' after it, so it lies whole in one piece and is seen there as
    in the whole text; a tag that holds a quoted '>' is cut only where the fast path would have stopped too.
    """
    buffer = bytearray()
    for chunk in chunks:
        start = max(len(buffer) - 2, 0)
        buffer += chunk
        cut = _cut(buffer, start)
        if cut:
            yield bytes(buffer[:cut])
            del buffer[:cut]
    if buffer:
        yield bytes(buffer)


def _check_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int,
                 defer: list[str] | None = None) -> int:
    """Decompress one entry as a stream (bounded), check its content; return its actual size.

    `defer`: a large worksheet is only checked at its start (encoding, DTD) and its name appended; the caller
    checks it whole later with `check_deferred` (after the header was found on a streamed first look).
    """
    name = part_name(info.filename)
    lower = name.lower()
    is_xml = lower.endswith(_XML_SUFFIXES)
    is_sheet = lower.startswith("xl/worksheets/") and lower.endswith(".xml")
    if not is_xml:  # binary parts (images) are only counted
        return sum(len(chunk) for chunk in _chunks(archive, info, budget))
    if is_sheet and defer is not None and info.file_size > DEFER_BYTES:
        with archive.open(info) as stream:  # bad data shows here or in the whole check
            try:
                head = stream.read(CHUNK)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
                raise RefusedFile(_("Het bestand is beschadigd of onvolledig (geen geldig .xlsx-bestand).")) from None
        _check_xml_start(head)
        _check_xml_piece(head, lower)
        defer.append(name)
        return info.file_size  # at most this much unpacks from it (zipfile stops there)
    size = 0

    def counted():
        nonlocal size
        first = True
        for chunk in _chunks(archive, info, budget):
            if first:
                _check_xml_start(chunk)
                first = False
            size += len(chunk)
            yield chunk

    extent = _Extent() if is_sheet else None
    for piece in pieces(counted()):
        _check_xml_piece(piece, lower)
        if extent is not None:
            extent.feed(piece)
    if extent is not None:
        again = lambda: pieces(_chunks(archive, info, budget))  # noqa: E731  (a second pass when it matters)
        _check_extent(extent.result(again, _row_budget(limits)), limits, lambda: part_title(archive, lower))
    return size


def check_deferred(data: bytes, names: list[str], limits: Limits = Limits(), *, only: str | None = None,
                   exclude: str | None = None) -> None:
    """The whole check of worksheets that `check_workbook(..., defer=names)` left for later; raise RefusedFile.

    `only` / `exclude`: a worksheet by its name in the workbook (the others, or all but it, wait); one that
    cannot be found by name checks them all. What was checked is taken off `names`. `data` is the upload as
    checked or normalised: the names are in standard spelling either way.
    """
    if not names:
        return
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = {part_name(i.filename): i for i in archive.infolist()}
    chosen = list(names)
    if only is not None or exclude is not None:
        part = sheet_part(archive, only if only is not None else exclude)
        if part is None:
            chosen = list(names)
        elif only is not None:
            chosen = [n for n in names if n == part]
        else:
            chosen = [n for n in names if n != part]
    for name in chosen:
        info = infos[name]
        _check_entry(archive, info, limits, info.file_size)
        names.remove(name)


def _check_xml_start(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        raise RefusedFile(_("Het bestand bevat XML in een niet-ondersteunde tekencodering (UTF-16)."))


def _check_xml_piece(piece: bytes, lower: str) -> None:
    if b"<!" in piece and (b"<!DOCTYPE" in piece or b"<!ENTITY" in piece):
        raise RefusedFile(_("Het bestand bevat XML-declaraties (DTD of entiteiten) die niet zijn toegestaan; "
                            "sla het opnieuw op als gewone Excel-werkmap (.xlsx)."))
    if lower == "[content_types].xml" and (b"macroEnabled" in piece or b"vbaProject" in piece):
        raise RefusedFile(_("Het bestand bevat macro's (VBA); die worden niet geaccepteerd. "
                            "Sla het op als Excel-werkmap (.xlsx) zonder macro's."))


def _row_budget(limits: Limits) -> int:
    """A bound on rows x columns below both limits is as good as the exact answer."""
    return min(limits.max_cells, (limits.max_rows + 100) * 26)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _exact_last_row(content: bytes) -> int:
    # numbers of one length compare as bytes: the longest length present, then max() in C (no int per cell)
    for digits in range(7, 0, -1):
        pattern = rb'<c r="[A-Za-z]{1,3}([0-9]{%d})' % digits + _FILLED
        if digits == 7:
            pattern = rb'<c r="[A-Za-z]{1,3}([0-9]{7,})' + _FILLED
        refs = re.findall(pattern, content)
        if refs:
            return max(int(r) for r in set(refs)) if digits == 7 else int(max(refs))
    return 0


def _narrow_last_column(content: bytes) -> int:
    """The last single-letter column holding a filled cell (0 when none)."""
    for number in range(26, 0, -1):
        letter = bytes([64 + number])
        if b'<c r="' + letter in content and re.search(rb'<c r="' + letter + rb'[0-9]+' + _FILLED, content):
            return number
    return 0


def _odd_tags(content: bytes) -> bool:
    """Tags in another form than `<c r="..."` / `<row r="..."` (the fast path's premise); quick when absent."""
    if any(form in content for form in (b"<c\t", b"<c\r", b"<c\n", b"<row\t", b"<row\r", b"<row\n")):
        return True
    if b":c" not in content and b":row" not in content:
        return False
    return bool(_ODD_TAG.search(content))


class _Extent:
    """sheet_extent's fast path summed over the pieces of one worksheet (`pieces`), in order."""

    def __init__(self):
        self.cells = self.rows = 0
        self.odd = False  # a tag in another form: the whole sheet is walked tag by tag instead
        self.wide = 0  # the last column past Z holding a filled cell
        self.high = 0  # the last row past 99,999 holding a filled cell

    def feed(self, piece: bytes) -> None:
        if self.odd:
            return
        cells = piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/>")
        rows = piece.count(b"<row ") + piece.count(b"<row>") + piece.count(b"<row/>")
        # every `<c r="` is a `<c `: the sums over the pieces agree exactly when they agree in every piece
        if piece.count(b'<c r="') != cells or piece.count(b'<row r="') != rows or _odd_tags(piece):
            self.odd = True
            return
        self.cells += cells
        self.rows += rows
        wide = _WIDE_CELL.findall(piece)
        if wide:
            self.wide = max(self.wide, max(_column_number(c) for c in wide))
        if _HIGH_ROW.search(piece):
            self.high = max(self.high, _exact_last_row(piece))

    def result(self, again: Callable[[], Iterable[bytes]], row_budget: int | None) -> tuple[int, int]:
        """(last row, last column); `again()` gives the pieces once more when an exact count matters."""
        if self.odd:
            return _walk(b"".join(again()))
        if not self.cells and not self.rows:
            return 0, 0
        max_col = self.wide or 26
        max_row = self.high
        if not max_row:  # below row 100,000: 99,999 is a bound, count exactly only when it matters
            if row_budget is None or 99_999 * max_col > row_budget:
                max_row = max((_exact_last_row(p) for p in again()), default=0)
            else:
                max_row = 99_999
        if max_col == 26 and row_budget is not None and max_row * 26 > row_budget:
            # a narrow sheet with many rows: its real width matters
            max_col = max((_narrow_last_column(p) for p in again()), default=0)
        return max_row, max_col


def sheet_extent(content: bytes, row_budget: int | None = None) -> tuple[int, int]:
    """(last row, last column) that calamine will allocate for this worksheet XML.

    The fast path covers what Excel, LibreOffice, openpyxl and xlsxwriter write
    (every row and cell carries `r` as its first attribute): it finds columns
    past Z and rows past 99,999 by two quick searches, and counts every row
    only when the answer could matter (`row_budget`: the largest row count that
    would pass; None means "always exact"). Anything else is walked tag by tag,
    the way the reader places cells that carry no address. The safety check
    feeds a worksheet to the same code in pieces, as it unpacks.
    """
    extent = _Extent()
    extent.feed(content)
    return extent.result(lambda: [content], row_budget)


def _walk(content: bytes) -> tuple[int, int]:
    """The extent of a worksheet in any form, tag by tag (quoted attributes may hold '>')."""
    max_row = max_col = 0
    row = 0
    col = 0
    for match in _ANY_TAG.finditer(content):
        tag, attrs = match.groups()
        ref = _R_ATTR.search(attrs)
        if tag == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        if ref and ref.group(1) and ref.group(2):
            col, cell_row = _column_number(ref.group(1)), int(ref.group(2))
        else:
            col, cell_row = col + 1, max(row, 1)
        if attrs.rstrip().endswith(b"/") or _EMPTY_CLOSE.match(content, match.end()):
            continue  # formatted but empty: the reader allocates nothing for it
        max_row = max(max_row, cell_row)
        max_col = max(max_col, col)
    return max_row, max_col


def _check_extent(extent: tuple[int, int], limits: Limits, title=lambda: None) -> None:
    """Refuse a sheet whose filled cells span (last row, last column) more than the limits; `title()` names it
    in the message."""
    max_row, max_col = extent
    if max_col <= limits.max_columns and max_row <= limits.max_rows + 100 and max_row * max_col <= limits.max_cells:
        return
    name = title()
    if max_col > limits.max_columns:
        raise RefusedFile(_("Werkblad '%(sheet)s' heeft gegevens tot kolom %(column)s; meer dan %(maximum)s "
                            "kolommen wordt niet gelezen. Verwijder lege of overbodige kolommen.", sheet=name,
                            column=grouped(max_col), maximum=limits.max_columns) if name else
                          _("Een werkblad heeft gegevens tot kolom %(column)s; meer dan %(maximum)s kolommen wordt "
                            "niet gelezen. Verwijder lege of overbodige kolommen.", column=grouped(max_col),
                            maximum=limits.max_columns))
    if max_row > limits.max_rows + 100:
        raise RefusedFile(_("Werkblad '%(sheet)s' heeft gegevens tot rij %(row)s; meer dan %(maximum)s rijen wordt "
                            "niet gelezen. Splits het bestand.", sheet=name, row=grouped(max_row),
                            maximum=grouped(limits.max_rows)) if name else
                          _("Een werkblad heeft gegevens tot rij %(row)s; meer dan %(maximum)s rijen wordt niet "
                            "gelezen. Splits het bestand.", row=grouped(max_row), maximum=grouped(limits.max_rows)))
    raise RefusedFile(_("Werkblad '%(sheet)s' beslaat %(rows)s rijen bij %(columns)s kolommen; dat is te groot om "
                        "te lezen. Verwijder lege rijen en kolommen of splits het bestand.", sheet=name,
                        rows=grouped(max_row), columns=max_col) if name else
                      _("Een werkblad beslaat %(rows)s rijen bij %(columns)s kolommen; dat is te groot om te "
                        "lezen. Verwijder lege rijen en kolommen of splits het bestand.", rows=grouped(max_row),
                        columns=max_col))
