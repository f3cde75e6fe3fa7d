"""Attachments of an application: PDF and .xlsx only, size-limited, and checked for being what their extension
says before anything is stored (a PDF starts with %PDF-; an .xlsx is a zip that openpyxl opens, without macros
and without a zip bomb's unpacked size). Messages are Dutch (translated on the page) and name the file."""
from __future__ import annotations

import io
import zipfile

from core.plugin_api import _, lazy_gettext

# What an attachment is, as the application form's step Documenten asks for it.
KINDS = {
    "samenwerkingsovereenkomst": lazy_gettext("Samenwerkingsovereenkomst van de partners (getekend)"),
    "begroting": lazy_gettext("Begroting"),
    "overig": lazy_gettext("Overige bijlage"),
}
TYPES = {".pdf": "application/pdf",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_UNPACKED = 200 * 1024 * 1024  # an .xlsx that unpacks to more is refused (a zip bomb)


def extension(filename: str) -> str:
    name = (filename or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def _xlsx_problem(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return "not an xlsx"
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return "not an xlsx"
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return "macros"
    if unpacked > MAX_UNPACKED:
        return "too large unpacked"
    try:
        import openpyxl

        openpyxl.load_workbook(io.BytesIO(data), read_only=True).close()
    except Exception:  # openpyxl raises many kinds on a broken workbook
        return "not an xlsx"
    return None


def check(filename: str, data: bytes, max_mb: int) -> tuple[str | None, str | None]:
    """(content type, None) for an acceptable file; (None, the reason in the reader's language) otherwise."""
    ext = extension(filename)
    if ext not in TYPES:
        return None, _("%(name)s is geen PDF- of .xlsx-bestand; alleen die twee soorten kunnen worden bijgevoegd.",
                       name=filename or "?")
    if not data:
        return None, _("%(name)s is leeg.", name=filename)
    if len(data) > max_mb * 1024 * 1024:
        return None, _("%(name)s is groter dan %(max)s MB.", name=filename, max=max_mb)
    if ext == ".pdf" and not data.startswith(b"%PDF-"):
        return None, _("%(name)s heet een PDF, maar is er geen.", name=filename)
    if ext == ".xlsx":
        problem = _xlsx_problem(data)
        if problem == "macros":
            return None, _("%(name)s bevat macro's; voeg een gewoon .xlsx-bestand zonder macro's bij.", name=filename)
        if problem is not None:
            return None, _("%(name)s heet een .xlsx-bestand, maar Excel kan het niet openen als werkmap.",
                           name=filename)
    return TYPES[ext], None
