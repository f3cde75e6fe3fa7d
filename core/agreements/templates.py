"""Agreement templates that instruments offer, and the schema of their structured terms.

An instrument declares, through the ``agreement_templates`` hook, one or more
`AgreementTemplate`s: a Dutch title, a default Markdown text and the
structured terms (`AgreementTerm`) a coordinator fills in. The core builds
the form from the terms, validates what is entered against them and stores
the result as plain JSON (integers, strings, booleans; decimals and dates as
strings), so that the fingerprint of a version is the same on every machine.

A term is one value, or one value per key when `keys` is given (for example
a target per school year: ``keys=("2025-2026", "2026-2027")``). A rule that
spans terms (the subsidy is at most a third of the costs) goes in `check`,
which is told the RuleContext of the agreement (its region, the acting user,
today): check(terms, context).
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import gettext as _, lazy_gettext as _l

from core.i18n import current_language
from core.regions.context import RuleContext, takes_context

TERM_KINDS: dict[str, str] = {
    "integer": "geheel getal",
    "decimal": "bedrag of decimaal getal",
    "text": "tekst",
    "boolean": "ja/nee",
    "date": "datum",
}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SUBKEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$")


class TermsError(ValueError):
    """Terms do not fit the template; `errors` maps a term path ("target" or "target.2025-2026") to a Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class AgreementTerm:
    """One structured term of an agreement.

    name:     identifier in the stored terms (lower case, digits, underscores).
    label:    Dutch label shown in the form and on the agreement.
    kind:     "integer", "decimal", "text", "boolean" or "date".
    keys:     when given, the term holds one value per key (e.g. school years).
    required: a value must be filled in (for every key).
    minimum, maximum: bounds for integer and decimal terms.
    places:   decimals kept for "decimal" terms (2 for euro amounts).
    unit:     shown after the value ("euro", "%", "leerlingen").
    hint:     a Dutch explanation shown under the label.
    """

    name: str
    label: str
    kind: str = "integer"
    keys: tuple[str, ...] = ()
    required: bool = True
    minimum: int | float | str | None = None
    maximum: int | float | str | None = None
    places: int = 2
    unit: str = ""
    hint: str = ""

    def __post_init__(self):
        object.__setattr__(self, "keys", tuple(str(k) for k in self.keys))

    def problems(self) -> list[str]:
        """What is wrong with this declaration (empty when it is fine)."""
        out = []
        if not _NAME_RE.match(self.name):
            out.append(f"term '{self.name}': name must be lower-case letters, digits and underscores")
        if self.kind not in TERM_KINDS:
            out.append(f"term '{self.name}': unknown kind '{self.kind}' (use one of {', '.join(TERM_KINDS)})")
        if len(set(self.keys)) != len(self.keys):
            out.append(f"term '{self.name}': duplicate keys")
        for key in self.keys:
            if not _SUBKEY_RE.match(key):
                out.append(f"term '{self.name}': key '{key}' may hold letters, digits, '-' and '_' only")
        if (self.minimum is not None or self.maximum is not None) and self.kind not in ("integer", "decimal"):
            out.append(f"term '{self.name}': minimum/maximum only apply to integer and decimal terms")
        return out

    def clean(self, raw: Any, path: str) -> Any:
        """Turn one entered value into its canonical JSON form, or raise TermsError."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if self.required and self.kind != "boolean":
                raise TermsError({path: _("vul een waarde in")})
            return False if self.kind == "boolean" else None
        if self.kind == "integer":
            if isinstance(raw, bool):
                raise TermsError({path: _("is geen geheel getal")})
            try:
                value = int(str(raw).strip()) if not isinstance(raw, int) else raw
            except ValueError:
                raise TermsError({path: _("'%(value)s' is geen geheel getal", value=raw)}) from None
            self._bounds(value, path)
            return value
        if self.kind == "decimal":
            if isinstance(raw, bool):
                raise TermsError({path: _("is geen getal")})
            if isinstance(raw, float):
                raw = repr(raw)
            text = str(raw).strip().replace(" ", "")
            if "," not in text and self.places < 3 and re.fullmatch(r"-?[1-9]\d{0,2}(\.\d{3})+", text):
                # "1.250" is 1250 to a Dutch reader and 1.25 to Python: refuse to guess with money.
                raise TermsError({path: _("'%(value)s' is onduidelijk: schrijf 1250 of 1.250,00", value=raw)})
            if "," in text and text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")  # Dutch: 12.500,50
            try:
                value = decimal.Decimal(text)
            except decimal.InvalidOperation:
                raise TermsError({path: _("'%(value)s' is geen getal", value=raw)}) from None
            if not value.is_finite():
                raise TermsError({path: _("'%(value)s' is geen getal", value=raw)})
            quantum = decimal.Decimal(1).scaleb(-self.places)
            # enough digits for any size, so that a very large number meets the bounds check (a message)
            # rather than decimal's default precision of 28 digits (InvalidOperation)
            context = decimal.Context(prec=max(28, value.adjusted() + self.places + 2))
            if value != value.quantize(quantum, rounding=decimal.ROUND_DOWN, context=context):
                raise TermsError({path: _("gebruik hoogstens %(places)s decimalen", places=self.places)})
            self._bounds(value, path)
            return str(value.quantize(quantum, context=context))
        if self.kind == "boolean":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "ja", "y", "on"):
                return True
            if text in ("false", "0", "nee", "n", "off"):
                return False
            raise TermsError({path: _("'%(value)s' is geen ja of nee", value=raw)})
        if self.kind == "date":
            if isinstance(raw, dt.datetime):
                raw = raw.date()
            if isinstance(raw, dt.date):
                return raw.isoformat()
            try:
                return dt.date.fromisoformat(str(raw).strip()).isoformat()
            except ValueError:
                raise TermsError({path: _("'%(value)s' is geen datum (jjjj-mm-dd)", value=raw)}) from None
        value = str(raw).replace("\r\n", "\n").strip()
        if len(value) > 2000:
            raise TermsError({path: _("is langer dan %(num)s tekens", num=2000)})
        return value

    def _bounds(self, value, path: str) -> None:
        number = decimal.Decimal(value)
        if self.minimum is not None and number < decimal.Decimal(str(self.minimum)):
            raise TermsError({path: _("moet minstens %(minimum)s zijn", minimum=self.minimum)})
        if self.maximum is not None and number > decimal.Decimal(str(self.maximum)):
            raise TermsError({path: _("mag hoogstens %(maximum)s zijn", maximum=self.maximum)})


@dataclass(frozen=True)
class AgreementTemplate:
    """A convenant template: key, Dutch title, default Markdown text and its structured terms."""

    key: str
    title: str
    text: str
    terms: tuple[AgreementTerm, ...] = field(default_factory=tuple)
    description: str = ""
    # Rules across terms: check(terms, context) receives the cleaned terms and the agreement's RuleContext
    # (region, instrument, acting user, today), returns {term path: Dutch message} for each problem.
    # Deprecated: a one-argument check(terms) is called without the context.
    check: Callable[[dict, RuleContext], dict[str, str]] | None = None

    def __post_init__(self):
        object.__setattr__(self, "terms", tuple(self.terms))
        if self.check is not None and not takes_context(self.check, 1):
            warnings.warn(f"agreement template '{self.key}': check(terms) without a context is deprecated; "
                          "write check(terms, context)", DeprecationWarning, stacklevel=3)

    def problems(self) -> list[str]:
        """What is wrong with this declaration (empty when it is fine); checked at startup."""
        out = []
        if not _SUBKEY_RE.match(self.key or ""):
            out.append(f"template key '{self.key}' may hold letters, digits, '-' and '_' only")
        if not str(self.title).strip():
            out.append(f"template '{self.key}' has no title")
        names = [t.name for t in self.terms if isinstance(t, AgreementTerm)]
        if len(names) != len(set(names)):
            out.append(f"template '{self.key}' declares a term twice")
        for term in self.terms:
            if not isinstance(term, AgreementTerm):
                out.append(f"template '{self.key}': terms must be plugin_api.AgreementTerm items")
                continue
            out.extend(f"template '{self.key}', {p}" for p in term.problems())
        return out

    def validate_terms(self, terms: dict, context: RuleContext | None = None) -> dict:
        """Check `terms` against the schema and return them in canonical form.

        Unknown names are refused; every error is collected and raised at once
        as TermsError with Dutch messages keyed by term path. `context` is
        handed to the template's `check` (the agreement service always gives it).
        """
        if not isinstance(terms, dict):
            raise TermsError({"": _("de afspraken moeten een object zijn")})
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        known = {t.name: t for t in self.terms}
        for name in terms:
            if name not in known:
                errors[name] = _("is geen afspraak van dit sjabloon")
        for term in self.terms:
            raw = terms.get(term.name)
            if term.keys:
                raw = raw if isinstance(raw, dict) else {}
                for key in raw:
                    if key not in term.keys:
                        errors[f"{term.name}.{key}"] = _("is geen geldige sleutel")
                values = {}
                for key in term.keys:
                    try:
                        values[key] = term.clean(raw.get(key), f"{term.name}.{key}")
                    except TermsError as exc:
                        errors.update(exc.errors)
                out[term.name] = values
            else:
                try:
                    out[term.name] = term.clean(raw, term.name)
                except TermsError as exc:
                    errors.update(exc.errors)
        if not errors and self.check is not None:
            found = self.check(out, context) if takes_context(self.check, 1) else self.check(out)
            errors.update(found or {})
        if errors:
            raise TermsError(errors)
        return out

    def describe(self, terms: dict) -> list[dict]:
        """Rows for showing `terms` to people: label, key (or None), value text, unit."""
        rows = []
        for term in self.terms:
            value = (terms or {}).get(term.name)
            if term.keys:
                for key in term.keys:
                    rows.append({"label": term.label, "key": key,
                                 "value": format_value(term, (value or {}).get(key)), "unit": term.unit})
            else:
                rows.append({"label": term.label, "key": None, "value": format_value(term, value), "unit": term.unit})
        return rows


def format_value(term: AgreementTerm, value) -> str:
    """One stored value the reader's way: `1.250`, `1.250,50`, `31 januari 2026`, `ja` (Dutch; English on request)."""
    if value is None:
        return "–"
    language = current_language()
    if term.kind == "boolean":
        return _("ja") if value else _("nee")
    if term.kind == "integer":
        return format_decimal(value, format="#,##0", locale=language)
    if term.kind == "decimal":
        pattern = "#,##0" + ("." + "0" * term.places if term.places else "")
        return format_decimal(decimal.Decimal(value), format=pattern, locale=language)
    if term.kind == "date":
        try:
            return format_date(dt.date.fromisoformat(value), "long", locale=language)
        except ValueError:
            return str(value)
    return str(value)


def generic_template(instrument_name: str) -> AgreementTemplate:
    """The template every instrument gets when it offers none: text only, no structured terms."""
    return AgreementTemplate(
        key="algemeen",
        title=f"Regionale afspraak {instrument_name}",
        text=(f"# Regionale afspraak {instrument_name}\n\n"
              "De ondergetekende partijen spreken het volgende af:\n\n1. ...\n"),
        description=_l("Vrije tekst zonder gestructureerde afspraken."),
    )
