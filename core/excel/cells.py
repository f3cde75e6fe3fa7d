"""One cell: turning what Excel or LibreOffice stored into a typed value, or the reason why not.

The reader hands over what calamine found: str (shared or inline strings,
numbers stored as text), float (every number), bool, date/datetime (cells
with a date format), time/timedelta. Every parser accepts the spellings
people really use and raises `Invalid` with the message that follows the
cell reference: `C17: 'abc' is geen geheel getal`.

Messages are translated when they are made (gettext, only on the error
path): in the language of the request that uploads, in Dutch in the command
line (an app context without a request) and outside an app context.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from flask_babel import gettext as _, ngettext

from core.excel.spec import Column, Kind, format_value, message_value
from core.excel.names import municipality_hint
from core.i18n import N_, grouped
from core.reference import mbo_institutions, municipalities
from core.school_years import InvalidSchoolYear, normalise_school_year


class Invalid(ValueError):
    """The cell's value is not acceptable; str(exc) is the reason, in the reader's language."""


@dataclass
class OrgInfo:
    id: int
    identifier: str
    name: str
    kind: str


@dataclass
class Lookups:
    """Region-dependent reference data for lookup columns, loaded once per import or export."""

    region_id: int
    region_name: str
    rmc_code: str
    members: dict[str, OrgInfo] = field(default_factory=dict)  # identifier -> member organisation
    find_identifier: Callable[[str], OrgInfo | None] = lambda _identifier: None  # any organisation
    find_id: Callable[[int], OrgInfo | None] = lambda _org_id: None
    by_id: dict[int, OrgInfo] = field(default_factory=dict)
    # the instrument's closed set of school years (core.school_years.SchoolYears) where it declares one, and
    # the school years already stored in the sheet's table (an export of them re-imports; the sheet's rules
    # decide whether a row of such a year may change)
    school_years: Any = None
    stored_school_years: frozenset = frozenset()

    def __post_init__(self):
        for org in self.members.values():
            self.by_id[org.id] = org

    def outside(self, identifier: str) -> OrgInfo | None:
        """An organisation that is not a member of the region (None when it does not exist at all)."""
        return self.find_identifier(identifier)

    def organisation(self, org_id: int) -> OrgInfo | None:
        if org_id not in self.by_id:
            self.by_id[org_id] = self.find_id(org_id)
        return self.by_id[org_id]


def shown(value: Any) -> str:
    """The raw cell value as quoted in a message."""
    text = message_value(value)
    return text if len(text) <= 60 else text[:57] + "..."


_INT_RE = re.compile(r"^[+-]?\d+$")
_INT_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DEC_PLAIN_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
_DEC_NL_RE = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$")
_DEC_EN_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_BRIN_RE = re.compile(r"^\d{2}[A-Z]{2}$")
_CBS_RE = re.compile(r"^(?:GM)?(\d{1,4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x", "wel"})
FALSE_WORDS = frozenset({"nee", "n", "no", "false", "onwaar", "0", "niet"})
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")


def _is_text(value) -> bool:
    return isinstance(value, str)


def parse_integer(value: Any) -> int:
    if value.__class__ is float and value.is_integer():  # how every number arrives from calamine
        return int(value)
    if isinstance(value, bool):
        raise Invalid(_("'%(value)s' is geen geheel getal", value=shown(value)))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise Invalid(_("'%(value)s' is geen geheel getal", value=shown(value)))
    if _is_text(value):
        text = _SPACES.sub("", value)
        if _INT_RE.match(text):
            return int(text)
        if _INT_GROUPED_RE.match(text):
            return int(text.replace(".", ""))
    raise Invalid(_("'%(value)s' is geen geheel getal", value=shown(value)))


def parse_decimal(value: Any) -> decimal.Decimal:
    """A decimal (never a float). Text may use a decimal comma and thousands dots ("1.234,56") or the
    English way ("1,234.56"); a single separator is the decimal separator, whichever it is ("1.5", "1,5")."""
    if value.__class__ is float and math.isfinite(value):
        # Excel keeps 15 significant digits: 0.1 + 0.2 is 0.3 there, and so here
        return decimal.Decimal(format(value, ".15g"))
    if isinstance(value, bool):
        raise Invalid(_("'%(value)s' is geen getal", value=shown(value)))
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(_("'%(value)s' is geen getal", value=shown(value)))
        # Excel keeps 15 significant digits: 0.1 + 0.2 is 0.3 there, and so here
        return decimal.Decimal(format(value, ".15g"))
    if _is_text(value):
        text = _SPACES.sub("", value).replace("\u20ac", "").replace("EUR", "")
        if _DEC_PLAIN_RE.match(text):
            return decimal.Decimal(text.replace(",", "."))
        if _DEC_NL_RE.match(text):
            return decimal.Decimal(text.replace(".", "").replace(",", "."))
        if _DEC_EN_RE.match(text):
            return decimal.Decimal(text.replace(",", ""))
    raise Invalid(_("'%(value)s' is geen getal", value=shown(value)))


def parse_text(value: Any) -> str:
    if _is_text(value):
        return value.strip()
    if isinstance(value, (bool, float, int, dt.date)):
        return format_value(value)
    raise Invalid(_("'%(value)s' is geen tekst", value=shown(value)))


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise Invalid(_("'%(value)s' is geen datum (gebruik dd-mm-jjjj)", value=shown(value)))
    if _is_text(value):
        text = value.strip()
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise Invalid(_("'%(value)s' is geen datum (gebruik dd-mm-jjjj)", value=shown(value)))


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if _is_text(value):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Invalid(_("'%(value)s' is geen ja of nee", value=shown(value)))


def parse_school_year(value: Any) -> str:
    """A school year written any common way ("2024/2025", "24-25") as "2024-2025" (core.school_years)."""
    if _is_text(value):
        canonical = normalise_school_year(value)
        if canonical is not None:
            return canonical
    raise Invalid(_("'%(value)s' is geen schooljaar (zoals 2024-2025)", value=shown(value)))


def _school_year_parser(school_years, stored: frozenset = frozenset()):
    """The instrument's closed set (and the years already stored): one message for anything else."""
    def parse(value: Any) -> str:
        canonical = normalise_school_year(value) if _is_text(value) else None
        if canonical is not None and canonical in stored:
            return canonical
        try:
            return school_years.parse(value if _is_text(value) else message_value(value))
        except InvalidSchoolYear as exc:
            raise Invalid(str(exc)) from None

    return parse


def _code_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return _SPACES.sub("", str(value)).upper()
    raise Invalid("")


def make_parser(col: Column, lookups: Lookups | None) -> Callable[[Any], Any]:
    """The parser for one column: raw value -> typed value, or Invalid with the reason."""
    kind = col.kind
    if kind == Kind.INTEGER:
        base = parse_integer
    elif kind == Kind.DECIMAL:
        base = _decimal_parser(col)
    elif kind == Kind.TEXT:
        base = _text_parser(col)
    elif kind == Kind.DATE:
        base = parse_date
    elif kind == Kind.BOOLEAN:
        base = parse_boolean
    elif kind == Kind.SCHOOL_YEAR:
        in_set = lookups is not None and lookups.school_years is not None
        base = (_school_year_parser(lookups.school_years, lookups.stored_school_years) if in_set
                else parse_school_year)
    elif kind == Kind.ENUM:
        base = _enum_parser(col)
    elif kind == Kind.BRIN:
        base = _brin_parser()
    elif kind == Kind.CBS_CODE:
        base = _cbs_parser(col, lookups)
    elif kind == Kind.ORGANISATION:
        base = _organisation_parser(col, lookups)
    else:  # pragma: no cover - declarations are validated at startup
        raise ValueError(f"unknown kind {kind}")
    parse = base if col.minimum is None and col.maximum is None else _bounded(base, col)
    return _memo(parse) if kind in MEMO_KINDS else parse


# Kinds whose cells repeat a few values over and over (a sheet has 16 municipalities, 10 school years):
# remember the answer per raw value. Saves time and memory (one string object per distinct value). Numbers
# repeat too (counts, amounts): an equal number is then one object in every row that holds it (an int is 28
# bytes, a Decimal 104: at 1,000,000 rows that is what keeps a large import's memory down).
MEMO_KINDS = frozenset({Kind.DATE, Kind.BOOLEAN, Kind.SCHOOL_YEAR, Kind.ENUM, Kind.BRIN, Kind.CBS_CODE,
                        Kind.ORGANISATION, Kind.INTEGER, Kind.DECIMAL})
MEMO_LIMIT = 4096


def _memo(parse):
    cache: dict = {}

    def memo(value):
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys otherwise
        hit = cache.get(key)
        if hit is None:
            try:
                hit = (True, parse(value))
            except Invalid as exc:
                hit = (False, str(exc))
            if len(cache) < MEMO_LIMIT:
                cache[key] = hit
        if hit[0]:
            return hit[1]
        raise Invalid(hit[1])

    return memo


def _bounded(base, col: Column):
    low, high = col.minimum, col.maximum
    if col.kind == Kind.DECIMAL:
        low = None if low is None else decimal.Decimal(str(low))
        high = None if high is None else decimal.Decimal(str(high))

    def parse(value):
        parsed = base(value)
        if low is not None and parsed < low:
            raise Invalid(_("%(value)s is kleiner dan het minimum %(minimum)s", value=_bound_text(parsed),
                            minimum=_bound_text(low)))
        if high is not None and parsed > high:
            raise Invalid(_("%(value)s is groter dan het maximum %(maximum)s", value=_bound_text(parsed),
                            maximum=_bound_text(high)))
        return parsed

    return parse


def _bound_text(value) -> str:
    """A bound or a value beyond it in a message: whole numbers grouped (3.000.000.000)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return grouped(value)
    return message_value(value)


def _decimal_parser(col: Column):
    places = col.places
    if places is None:
        return parse_decimal
    quantum = decimal.Decimal(1).scaleb(-places)

    def parse(value):
        number = parse_decimal(value)
        # enough digits for any size (10^26 with 2 decimals is 29 digits, past the default context's 28): a
        # number too large for its column is named by the bounds check, not lost to InvalidOperation
        context = decimal.Context(prec=max(28, number.adjusted() + places + 2))
        rounded = number.quantize(quantum, rounding=decimal.ROUND_HALF_EVEN, context=context)
        if rounded != number:
            raise Invalid(ngettext("'%(value)s' heeft meer dan %(num)s decimaal",
                                   "'%(value)s' heeft meer dan %(num)s decimalen", places, value=shown(value)))
        return rounded

    return parse


def _text_parser(col: Column):
    limit = col.max_length

    def parse(value):
        text = parse_text(value)
        if limit is not None and len(text) > limit:
            raise Invalid(_("de tekst is %(length)s tekens lang; het maximum is %(maximum)s", length=len(text),
                            maximum=limit))
        return text

    return parse if limit is not None else parse_text


def _choice_key(text: str) -> str:
    """Case, accents and spacing do not matter in a choice; punctuation does."""
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


def _enum_parser(col: Column):
    allowed = {_choice_key(c): c for c in col.choices}
    exact = {c: c for c in col.choices}
    listing = ", ".join(col.choices)

    def parse(value):
        if isinstance(value, float) and value.is_integer():
            value = str(int(value))
        text = value.strip() if _is_text(value) else str(value)
        found = exact.get(text) or allowed.get(_choice_key(text))
        if found is None:
            raise Invalid(_("'%(value)s' is geen toegestane waarde (kies uit: %(choices)s)", value=shown(value),
                            choices=listing))
        return found

    return parse


def _brin_parser():
    def parse(value):
        try:
            code = _code_text(value)
        except Invalid:
            code = ""
        if not _BRIN_RE.match(code):
            raise Invalid(_("'%(value)s' is geen BRIN-code (zoals 25LP)", value=shown(value)))
        if code not in mbo_institutions():
            raise Invalid(_("BRIN %(code)s is geen bekende mbo-instelling", code=code))
        return code

    return parse


def _cbs_parser(col: Column, lookups: Lookups | None):
    in_region = col.in_region

    def parse(value):
        try:
            code = _code_text(value)
        except Invalid:
            code = ""
        match = _CBS_RE.match(code)
        if not match:
            hint = municipality_hint(value)
            if hint:
                raise Invalid(hint)
            raise Invalid(_("'%(value)s' is geen CBS-gemeentecode (zoals GM0344)", value=shown(value)))
        code = f"GM{int(match.group(1)):04d}"
        municipality = municipalities().get(code)
        if municipality is None:
            raise Invalid(_("gemeente %(code)s bestaat niet", code=code))
        if in_region and lookups is not None and municipality.rmc_code != lookups.rmc_code:
            raise Invalid(_("gemeente %(code)s (%(name)s) hoort niet bij regio %(region)s", code=code,
                            name=municipality.name, region=lookups.region_name))
        return code

    return parse


# Dutch, as written on a workbook's Toelichting; a message translates them with _(noun).
KIND_NOUNS = {"gemeente": N_("gemeente"), "mbo": N_("mbo-instelling"), "rmc": N_("RMC"),
              "werkgever": N_("werkgever"), "vo": N_("vo-school"), "pro": N_("school voor praktijkonderwijs"),
              "vso": N_("vso-school"), "zorg": N_("zorgaanbieder"), "sbb": N_("SBB")}
ORGANISATION_NOUN = N_("organisatie")


def kinds_text(kinds: tuple[str, ...]) -> str:
    """The kinds of organisation in the reader's language: "gemeente of RMC"."""
    text = _(KIND_NOUNS.get(kinds[0], kinds[0]))
    for kind in kinds[1:]:
        text = _("%(earlier)s of %(last)s", earlier=text, last=_(KIND_NOUNS.get(kind, kind)))
    return text


def _organisation_parser(col: Column, lookups: Lookups | None):
    kinds = set(col.org_kinds)
    noun = KIND_NOUNS.get(col.org_kinds[0], ORGANISATION_NOUN) if len(col.org_kinds) == 1 else ORGANISATION_NOUN

    def parse(value):
        assert lookups is not None
        try:
            code = _code_text(value)
        except Invalid:
            raise Invalid(_("'%(value)s' is geen code van een organisatie", value=shown(value))) from None
        org = lookups.members.get(code)
        if org is None and (hint := municipality_hint(value)):
            raise Invalid(hint)
        if org is None and _CBS_RE.match(code) and code[:2] != "GM" and len(code) <= 4:
            org = lookups.members.get(f"GM{int(code):04d}")
            code = org.identifier if org else code
        if org is None:
            elsewhere = lookups.outside(code)
            if elsewhere is None:
                raise Invalid(_("%(kind)s %(code)s bestaat niet", kind=_(noun), code=code))
            raise Invalid(_("%(code)s (%(name)s) hoort niet bij regio %(region)s", code=code, name=elsewhere.name,
                            region=lookups.region_name))
        if kinds and org.kind not in kinds:
            raise Invalid(_("%(code)s (%(name)s) is geen %(kinds)s", code=code, name=org.name,
                            kinds=kinds_text(col.org_kinds)))
        return org.id

    return parse
