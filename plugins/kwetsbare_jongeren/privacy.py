"""Privacy by design: the screen that refuses anything that looks like personal data in an import.

The monitor holds aggregated counts only. An upload is refused whole when a
header looks like a personal-data column (naam, geboortedatum, bsn, adres, ...),
when a cell holds a 9-digit number that passes the BSN eleven-test, or when a
cell holds a date (a date of birth; the monitor has no date columns). The
messages name the cell (the engine adds it) and never repeat the value.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from core.plugin_api import _

# Words that, as (part of) a column header, mark a personal-data column.
PERSONAL_WORDS = {
    "naam", "namen", "voornaam", "voornamen", "achternaam", "roepnaam", "tussenvoegsel", "voorletters",
    "geboortedatum", "geboren", "geboortejaar", "leeftijd", "bsn", "burgerservicenummer", "sofinummer",
    "adres", "woonadres", "straat", "straatnaam", "huisnummer", "postcode", "woonplaats",
    "telefoon", "telefoonnummer", "email", "emailadres", "mail", "leerlingnummer", "studentnummer",
}
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), ("y", "m", "d")),
)
_BSN_TEXT = re.compile(r"^\d[\d .-]{7,13}\d$")


def bsn_eleven_test(digits: str) -> bool:
    """True when `digits` (9 digits) passes the BSN eleven-test: 9a+8b+...+2h-1i is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def _nine_digits(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        return text if len(text) == 9 else None
    if isinstance(value, str):
        text = value.strip()
        if _BSN_TEXT.match(text):
            digits = re.sub(r"[ .-]", "", text)
            return digits if len(digits) == 9 and digits.isdigit() else None
    return None


def looks_like_bsn(value) -> bool:
    digits = _nine_digits(value)
    return digits is not None and bsn_eleven_test(digits)


def looks_like_date(value) -> bool:
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return False
            return True
    return False


def personal_header(value) -> str | None:
    """The personal-data word in a header, or None ("Geboortedatum jongere" -> "geboortedatum")."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().replace("-", "")
    for word in re.findall(r"[a-z]+", text):
        if word in PERSONAL_WORDS:
            return word
    return None


def screen(value, is_header: bool, context=None) -> str | None:
    """The sheet screen (SheetSpec.screen): the reason to refuse this cell (reader's language), or None.

    The same in every region, so the import's context is accepted and not needed."""
    if is_header:
        word = personal_header(value)
        if word:
            return _("de kolom '%(column)s' lijkt persoonsgegevens te bevatten (%(word)s); dit platform neemt "
                     "alleen geaggregeerde aantallen op. Verwijder de kolom", column=str(value).strip()[:60],
                     word=word)
        return None
    if looks_like_bsn(value):
        return _("deze cel bevat een getal van 9 cijfers dat de elfproef voor een burgerservicenummer (BSN) "
                 "doorstaat; persoonsgegevens horen niet in dit bestand. Verwijder het")
    if looks_like_date(value):
        return _("deze cel bevat een datum, mogelijk een geboortedatum; dit werkblad kent geen datums en "
                 "persoonsgegevens horen niet in dit bestand. Verwijder de datum")
    return None
