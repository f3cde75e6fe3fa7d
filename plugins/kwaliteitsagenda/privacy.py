"""No personal data in a quality agenda: texts (responses, goals, notes) and Excel cells are screened.

An agenda, its responses and its realisation are about institutions, not people. A text is refused when it
holds something that identifies a person: an e-mail address, a phone number, or a nine-digit number that
passes the BSN eleven-test. An upload is refused too when a column header names a personal-data column.
The messages never repeat the value.
"""
from __future__ import annotations

import re
import unicodedata

from core.plugin_api import _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<![\d-])(?:\+31[\s-]?|0)(?:[1-9][\s-]?){1}(?:\d[\s-]?){7}\d(?![\d-])")
NINE_DIGITS = re.compile(r"(?<!\d)(\d[ .-]?){8}\d(?!\d)")
PERSONAL_WORDS = {"naam", "voornaam", "achternaam", "geboortedatum", "bsn", "burgerservicenummer", "adres",
                  "postcode", "woonplaats", "telefoon", "telefoonnummer", "email", "emailadres",
                  "studentnummer", "leerlingnummer"}


def bsn_eleven_test(digits: str) -> bool:
    """True when 9 digits pass the BSN eleven-test (9a+8b+...+2h-1i is a multiple of 11)."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    return (sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])) % 11 == 0


def personal_data(text) -> str | None:
    """A Dutch message when `text` holds personal data, else None."""
    if text is None or isinstance(text, bool):
        return None
    value = str(text)
    if EMAIL.search(value):
        return _("bevat een e-mailadres; persoonsgegevens horen niet in een kwaliteitsagenda")
    if any(bsn_eleven_test(re.sub(r"[ .-]", "", m.group(0))) for m in NINE_DIGITS.finditer(value)):
        return _("bevat een nummer dat op een burgerservicenummer lijkt; persoonsgegevens horen niet in een "
                 "kwaliteitsagenda")
    if PHONE.search(value):
        return _("bevat een telefoonnummer; persoonsgegevens horen niet in een kwaliteitsagenda")
    return None


def personal_header(value) -> str | None:
    """A Dutch message when a column header names a personal-data column."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode().lower()
    words = set(re.split(r"[^a-z]+", text)) | {re.sub(r"[^a-z]", "", text)}
    if words & PERSONAL_WORDS:
        return _("de kolom '%(header)s' is voor persoonsgegevens; die horen niet in een kwaliteitsagenda",
                 header=str(value))
    return None


def screen(value, is_header: bool, context) -> str | None:
    """The Excel sheet's screen: every non-empty cell and header (plugin_api.SheetSpec.screen)."""
    return personal_header(value) if is_header else personal_data(value) if isinstance(value, str) else None
