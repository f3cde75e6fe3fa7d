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
from typing import Iterable, Iterator

from flask_babel import gettext as _

from core.excel.extent import Extent
from core.excel.extent import sheet_extent as sheet_extent  # noqa: F401  (re-exported: the tests measure it)
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
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


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
            with memoryview(buffer) as view:
                piece = bytes(view[:cut])  # one copy
            del buffer[:cut]
            yield piece
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

    extent = Extent() if is_sheet else None
    for piece in pieces(counted()):
        _check_xml_piece(piece, lower)
        if extent is not None:
            extent.feed(piece)
    if extent is not None:
        again = lambda: pieces(_chunks(archive, info, budget))  # noqa: E731  (a second pass when it matters)
        _check_extent(extent.result(again, lambda bounds: _fits(bounds, limits)), limits,
                      lambda: part_title(archive, lower))
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
    if _DECLARATION.search(piece):
        raise RefusedFile(_("Het bestand bevat XML-declaraties (DTD of entiteiten) die niet zijn toegestaan; "
                            "sla het opnieuw op als gewone Excel-werkmap (.xlsx)."))
    if lower == "[content_types].xml" and (b"macroEnabled" in piece or b"vbaProject" in piece):
        raise RefusedFile(_("Het bestand bevat macro's (VBA); die worden niet geaccepteerd. "
                            "Sla het op als Excel-werkmap (.xlsx) zonder macro's."))


def _fits(extent: tuple[int, int], limits: Limits) -> bool:
    max_row, max_col = extent
    return max_col <= limits.max_columns and max_row <= limits.max_rows + 100 and max_row * max_col <= limits.max_cells


def _check_extent(extent: tuple[int, int], limits: Limits, title=lambda: None) -> None:
    """Refuse a sheet whose filled cells span (last row, last column) more than the limits; `title()` names it
    in the message."""
    if _fits(extent, limits):
        return
    max_row, max_col = extent
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
