"""Sheet declarations that plugins hand to the core's Excel engine.

A plugin describes a sheet once: its columns (Dutch header, kind, required,
bounds, allowed values, help), cross-column rules, the natural key used to
match rows with what is stored, the target model and the permissions. The
core reads, validates, diffs, writes and exports from that; a plugin never
parses or writes Excel itself.

    SheetSpec(
        name="proef-cijfers", title="Proefcijfers", model=ProefFigure,
        permission="proef.report", view_permission="proef.view",
        columns=(
            Column("organisation_id", "Gemeente", Kind.ORGANISATION, org_kinds=("gemeente",)),
            Column("school_year", "Schooljaar", Kind.SCHOOL_YEAR),
            Column("participants", "Deelnemers", Kind.INTEGER, minimum=0),
            Column("new_students", "Nieuwe mbo'ers", Kind.INTEGER, minimum=0),
        ),
        natural_key=("organisation_id", "school_year"),
        rules=(RowRule.at_most("new_students", "participants"),),
    )
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from flask_babel import gettext as _, lazy_gettext
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable

from core.i18n import SOURCE_LANGUAGE, current_language
from core.regions.context import RuleContext, takes_context


class Kind:
    """The kinds a column can have (plain strings, so `kind="integer"` works too)."""

    INTEGER = "integer"  # whole number
    DECIMAL = "decimal"  # decimal.Decimal (money: never float); `places` limits the decimals
    TEXT = "text"
    DATE = "date"
    BOOLEAN = "boolean"  # ja/nee
    SCHOOL_YEAR = "school_year"  # "2024-2025"
    ENUM = "enum"  # one of `choices`
    BRIN = "brin"  # an mbo institution's BRIN code, checked against the reference list
    CBS_CODE = "cbs_code"  # a municipality's CBS code (GM0344), checked against the reference list
    ORGANISATION = "organisation"  # identifier of an organisation that is a member of the region; stored as its id

    ALL = frozenset({INTEGER, DECIMAL, TEXT, DATE, BOOLEAN, SCHOOL_YEAR, ENUM, BRIN, CBS_CODE, ORGANISATION})
    LABELS = {
        INTEGER: "geheel getal", DECIMAL: "getal", TEXT: "tekst", DATE: "datum (dd-mm-jjjj)",
        BOOLEAN: "ja of nee", SCHOOL_YEAR: "schooljaar (zoals 2024-2025)", ENUM: "keuze uit een lijst",
        BRIN: "BRIN-code van een mbo-instelling (zoals 25LP)", CBS_CODE: "CBS-gemeentecode (zoals GM0344)",
        ORGANISATION: "code van een organisatie in deze regio (BRIN, CBS-code, KvK- of RMC-code)",
    }


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    key:        the target model's attribute (for ORGANISATION: the column holding the organisation id)
    header:     the Dutch header in the workbook; matched leniently (case, spaces, accents, punctuation)
    kind:       one of Kind
    required:   an empty cell is an error
    help:       explanation on the "Toelichting" sheet (Dutch) and on the sheet's page (translated there:
                mark it with plugin_api.N_)
    minimum, maximum:  bounds (numbers, dates, or school years as "2020-2021")
    choices:    allowed values for ENUM (stored as written here; matched case-insensitively)
    max_length: for TEXT; defaults to the model column's length
    places:     for DECIMAL: at most this many decimals (2 for money)
    org_kinds:  for ORGANISATION: the organisation kinds allowed (e.g. ("gemeente",))
    in_region:  for CBS_CODE: the municipality must belong to the region
    aliases:    other headers that are accepted for this column
    width:      column width in exports (characters); a sensible default otherwise
    computed:   export-only column: value = computed(row values); ignored on import
    """

    key: str
    header: str
    kind: str = Kind.TEXT
    required: bool = True
    help: str = ""
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    places: int | None = None
    org_kinds: tuple[str, ...] = ()
    in_region: bool = False
    aliases: tuple[str, ...] = ()
    width: int | None = None
    computed: Callable[[Mapping[str, Any]], Any] | None = None

    def __post_init__(self):
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "org_kinds", tuple(self.org_kinds))
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def label(self) -> str:
        """The header as it reads inside a sentence ("Nieuwe mbo'ers" -> "nieuwe mbo'ers")."""
        h = self.header
        return h[:1].lower() + h[1:] if h[:1].isupper() and not h[1:2].isupper() else h

    @property
    def imported(self) -> bool:
        return self.computed is None


@dataclass(frozen=True)
class RowRule:
    """A rule over several cells of one row, reported on the cell of `column`.

    check(values, labels, context) returns a message or None; `values` maps
    column keys to parsed values, `labels` maps keys to headers as used in a
    sentence (Dutch: the file's headers), `context` is the plugin_api.RuleContext
    of the import (region, instrument, acting user, today, settings, look-ups),
    the same on the web and on the command line: a rule never reads request
    state. Write the message in Dutch and mark it with plugin_api's `_()`, so it
    is made in the language of whoever uploads (Dutch on the command line); it
    is shown after the cell's reference.
    The rule runs only when every column in `needs` has a valid, non-empty value.

    Deprecated: a two-argument check(values, labels) still works (it is called
    without the context) and warns when declared; it will stop working in a
    later release.
    """

    column: str
    check: Callable[[Mapping[str, Any], Mapping[str, str], RuleContext], str | None]
    needs: tuple[str, ...] = ()
    with_context: bool = field(init=False, repr=False, compare=False, default=True)

    def __post_init__(self):
        object.__setattr__(self, "needs", tuple(self.needs))
        object.__setattr__(self, "with_context", takes_context(self.check, 2))
        if not self.with_context:
            warnings.warn(f"RowRule on '{self.column}': check(values, labels) without a context is deprecated; "
                          "write check(values, labels, context)", DeprecationWarning, stacklevel=3)

    def apply(self, values: Mapping[str, Any], labels: Mapping[str, str], context: RuleContext | None) -> str | None:
        """Run the check on one row: with the context, or without it for a deprecated two-argument check."""
        if self.with_context:
            return self.check(values, labels, context)
        return self.check(values, labels)

    @classmethod
    def at_most(cls, column: str, limit: str) -> "RowRule":
        """`column` may not be greater than `limit`: "nieuwe mbo'ers (812) is groter dan deelnemers (640)"."""

        def check(values, labels, _context=None):
            if values[column] > values[limit]:
                return _("%(column)s (%(value)s) is groter dan %(limit)s (%(limit_value)s)", column=labels[column],
                         value=message_value(values[column]), limit=labels[limit],
                         limit_value=message_value(values[limit]))
            return None

        return cls(column, check, needs=(column, limit))


@dataclass(frozen=True)
class SheetSpec:
    """A sheet an instrument imports and exports.

    name:            unique across instruments; used in URLs and on the command line
    title:           Dutch sheet title (also the worksheet's name in exports)
    columns:         the columns, in export order
    natural_key:     column keys that identify a row within the region (used for upserts). A key column may
                     be optional (required=False): an empty cell, or the column left out of the file, is
                     NULL and matches stored NULLs. Unique constraints treat NULLs as distinct, so the
                     model then needs a NULL-safe unique index as well (see `problems`).
    model:           the target SQLAlchemy model; it must have a region_id column
    permission:      needed to import, checked for every row (on the row's organisation)
    view_permission: needed to export and download templates (default: `permission`); an export holds the rows
                     the user may see with it and those the user may import (`permission`)
    rules:           RowRule checks across columns
    version:         raise it when columns change; an upload of an older template is refused in plain words
    description:     shown above the upload form (translated: mark it with plugin_api.N_) and on the
                     "Toelichting" sheet (Dutch)
    row_noun:        what the rows are, in error messages ("u mag geen cijfers invoeren voor ..."); give it
                     as lazy_gettext("cijfers") so it follows the reader's language
    screen:          optional check of every non-empty cell of the data sheet, the header row and columns
                     the sheet does not declare included: screen(value, is_header, context) returns a message
                     (Dutch, marked with `_()` like a rule's) to refuse that cell (and so the whole file), or
                     None; `context` is the import's RuleContext, as for rules. (Deprecated: a two-argument
                     screen(value, is_header) is called without it.)
                     For data that must never be stored (personal data): a file with a screened cell is not
                     kept for the marked copy, and the message should not repeat the value.
    export_rows:     optional export hook, export_rows(session, region, user) -> iterable of rows: what the
                     sheet's export holds for this user instead of the stored rows the user may see (for
                     figures a plugin publishes transformed, such as small counts shown as "<5"). Each row
                     lists its values in `columns` order as stored (organisations by id or identifier, computed
                     columns filled in by the hook). The hook decides what the user may see: the engine only
                     checks `view_permission` on the region first and does not scope these rows. Any cell may
                     hold text where its column expects a number, date or yes/no ("<5"): it is written as a
                     text cell (no number format; text that could be a formula is neutralised as always),
                     and an import refuses it like any non-number, naming the cell. The workbook is
                     otherwise the same (frozen header, Toelichting, drop-downs, version marker).
    stored_shown:    optional preview hook, stored_shown(session, region, user, rows) -> list of dicts: the
                     stored values the preview shows next to an upload's new ones, as this user may read
                     them (for figures a plugin publishes transformed: a count another organisation reported
                     as "<5"). `rows` are dicts of stored values by column key (with "id"), every stored row
                     the upload changes; return one dict per row with the same keys, any value may be text.
                     The hook decides what the user may see (like export_rows); without it, stored rows the
                     user may neither see nor import show only their natural key (core/excel/readable.py).
    hidden_rows:     rows hidden in the uploaded sheet (by the user or an autofilter): "import" or "skip";
                     None (the default) lets the uploader choose and refuses the upload until they do.
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...] = ()
    model: Any = None
    permission: str | None = None
    view_permission: str | None = None
    rules: tuple[RowRule, ...] = ()
    version: int = 1
    description: str = ""
    row_noun: str = lazy_gettext("gegevens")
    screen: Callable[[Any, bool], str | None] | None = None
    export_rows: Callable[[Any, Any, Any], Iterable[Sequence[Any]]] | None = None
    hidden_rows: str | None = None
    stored_shown: Callable[[Any, Any, Any, list[dict]], list[dict]] | None = None

    def __post_init__(self):
        if self.screen is not None and callable(self.screen) and not takes_context(self.screen, 2):
            warnings.warn(f"sheet '{self.name}': screen(value, is_header) without a context is deprecated; "
                          "write screen(value, is_header, context)", DeprecationWarning, stacklevel=3)
        columns = tuple(self.columns)
        table_columns = _model_columns(self.model) or {}
        # a text column without max_length takes the model column's length
        columns = tuple(
            replace(c, max_length=getattr(table_columns[c.key].type, "length", None))
            if c.kind == Kind.TEXT and c.max_length is None and c.key in table_columns else c
            for c in columns
        )
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "natural_key", tuple(self.natural_key))
        object.__setattr__(self, "rules", tuple(self.rules))

    @property
    def read_permission(self) -> str | None:
        return self.view_permission or self.permission

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def imported_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.imported)

    def problems(self) -> list[str]:
        """Everything wrong with this declaration, as short English reasons (empty when fine)."""
        out: list[str] = []
        if not re.match(r"^[a-z0-9][a-z0-9_-]{0,79}$", self.name or ""):
            out.append(f"sheet name '{self.name}' must be 1-80 lower-case letters, digits, '-' or '_'")
        if not self.title or len(self.title) > 31 or re.search(r"[\[\]:*?/\\]", self.title):
            out.append(f"sheet '{self.name}': title must be 1-31 characters without []:*?/\\")
        if not self.permission:
            out.append(f"sheet '{self.name}': permission is required (it is checked for every row)")
        table_columns = _model_columns(self.model)
        if table_columns is None:
            out.append(f"sheet '{self.name}': model must be a mapped SQLAlchemy model")
            table_columns = {}
        elif "region_id" not in table_columns:
            out.append(f"sheet '{self.name}': model {self.model.__name__} has no region_id column")
        keys = [c.key for c in self.columns]
        if len(keys) != len(set(keys)):
            out.append(f"sheet '{self.name}': duplicate column keys")
        headers = [normalise_header(h) for c in self.columns for h in (c.header, *c.aliases)]
        if len(headers) != len(set(headers)):
            out.append(f"sheet '{self.name}': two columns have the same header (after normalising)")
        for col in self.columns:
            where = f"sheet '{self.name}', column '{col.key}'"
            if col.kind not in Kind.ALL:
                out.append(f"{where}: unknown kind '{col.kind}' (use plugin_api.Kind)")
            if col.imported and table_columns and col.key not in table_columns:
                out.append(f"{where}: model {self.model.__name__} has no attribute '{col.key}'")
            if col.key == "region_id":
                out.append(f"{where}: region_id is set by the core, it cannot be a column")
            if col.kind == Kind.ENUM and not col.choices:
                out.append(f"{where}: an enum column needs choices")
            if col.places is not None and col.kind != Kind.DECIMAL:
                out.append(f"{where}: places only applies to decimal columns")
        imported = {c.key for c in self.columns if c.imported}
        if "organisation_id" in table_columns and "organisation_id" not in imported:
            out.append(f"sheet '{self.name}': model {self.model.__name__} has organisation_id, "
                       "so the sheet needs an organisation column with that key (rows are authorized on it)")
        elif "organisation_id" in imported and self.column("organisation_id").kind != Kind.ORGANISATION:
            out.append(f"sheet '{self.name}': column 'organisation_id' must have kind organisation")
        if not self.natural_key:
            out.append(f"sheet '{self.name}': natural_key is required (it matches rows for upserts)")
        for key in self.natural_key:
            if key not in imported:
                out.append(f"sheet '{self.name}': natural key '{key}' is not an imported column")
        optional_keys = tuple(k for k in self.natural_key if k in imported and not self.column(k).required)
        if len(optional_keys) == len(self.natural_key) and self.natural_key:
            out.append(f"sheet '{self.name}': at least one natural key column must be required")
        if self.screen is not None and not callable(self.screen):
            out.append(f"sheet '{self.name}': screen must be callable")
        if self.hidden_rows not in (None, "import", "skip"):
            out.append(f"sheet '{self.name}': hidden_rows must be None, 'import' or 'skip'")
        if self.stored_shown is not None and not callable(self.stored_shown):
            out.append(f"sheet '{self.name}': stored_shown must be callable")
        if self.export_rows is not None and not callable(self.export_rows):
            out.append(f"sheet '{self.name}': export_rows must be callable")
        if not out and self.natural_key and not _has_unique_key(self.model, table_columns,
                                                                ("region_id", *self.natural_key)):
            out.append(f"sheet '{self.name}': model {self.model.__name__} needs a unique constraint on "
                       f"region_id + the natural key ({', '.join(self.natural_key)}): upserts match rows on it")
        if not out and optional_keys and not _has_null_safe_key(self.model, table_columns, self.natural_key,
                                                                optional_keys):
            required = ", ".join(["region_id", *(k for k in self.natural_key if k not in optional_keys)])
            out.append(f"sheet '{self.name}': optional natural key column(s) {', '.join(optional_keys)}: model "
                       f"{self.model.__name__} needs a NULL-safe unique index (unique constraints let NULLs "
                       f"repeat): a unique Index on {required} with sqlite_where and postgresql_where "
                       f"'{optional_keys[0]} IS NULL' (one optional column), or a unique Index on the key with "
                       f"coalesce() around each optional column")
        for rule in self.rules:
            for key in (rule.column, *rule.needs):
                if key not in imported:
                    out.append(f"sheet '{self.name}': rule refers to unknown column '{key}'")
        return out


def _model_columns(model) -> dict | None:
    if model is None:
        return None
    try:
        mapper = sa_inspect(model)
    except NoInspectionAvailable:
        return None
    return {attr.key: attr.columns[0] for attr in mapper.column_attrs}


def _has_unique_key(model, table_columns: dict, keys: tuple[str, ...]) -> bool:
    from sqlalchemy import UniqueConstraint

    try:
        wanted = {table_columns[k].name for k in keys}
    except KeyError:
        return True  # reported elsewhere: an unknown column
    table = model.__table__
    sets = [{c.name for c in con.columns} for con in table.constraints if isinstance(con, UniqueConstraint)]
    sets += [{c.name for c in index.columns} for index in table.indexes if index.unique]
    return wanted in sets


def _has_null_safe_key(model, table_columns: dict, natural_key: tuple[str, ...],
                       optional: tuple[str, ...]) -> bool:
    """A unique index that keeps rows whose optional key columns are NULL unique too.

    Either a partial unique index on region_id + the required key columns with
    "<column> IS NULL" as its SQLite and PostgreSQL condition (one optional
    column), or a unique index over region_id + the key with coalesce(<column>, ...)
    for every optional column.
    """
    from sqlalchemy.sql import functions
    from sqlalchemy.sql.elements import ColumnClause

    try:
        required = {table_columns[k].name for k in ("region_id", *natural_key) if k not in optional}
        nullable = {table_columns[k].name for k in optional}
    except KeyError:
        return True  # reported elsewhere: an unknown column
    for index in model.__table__.indexes:
        if not index.unique:
            continue
        plain, coalesced = set(), set()
        for expr in index.expressions:
            if isinstance(expr, ColumnClause):
                plain.add(expr.name)
            elif isinstance(expr, functions.coalesce):
                args = list(expr.clauses)
                if args and isinstance(args[0], ColumnClause):
                    coalesced.add(args[0].name)
        if plain == required and coalesced == nullable:
            return True
        if len(nullable) == 1 and plain == required and not coalesced:
            (name,) = nullable
            wheres = [index.dialect_options[d].get("where") for d in ("sqlite", "postgresql")]
            wanted = f"{name} is null"
            if all(w is not None and wanted in re.sub(r"\s+", " ", str(w)).lower() for w in wheres):
                return True
    return False


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(text: Any) -> str:
    """Lenient header key: no accents, case, spaces or punctuation ("Nieuwe mbo'ers *" -> "nieuwemboers")."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", text.casefold())


def format_value(value: Any) -> str:
    """A value the Dutch way (decimal comma, dd-mm-jjjj), as in the files; messages use `message_value`."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, decimal.Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M") if value.time() != dt.time() else value.strftime("%d-%m-%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def message_value(value: Any) -> str:
    """A value as quoted in a message: `format_value`, with a decimal point for a reader of English."""
    text = format_value(value)
    if isinstance(value, (float, decimal.Decimal)) and current_language() != SOURCE_LANGUAGE:
        return text.replace(",", ".")
    return text
