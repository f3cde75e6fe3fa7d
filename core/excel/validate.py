"""Validating every cell and every row of an opened sheet, collecting every problem.

Per cell: the column's kind, bounds and lookups (cells.py). Per row: required
cells, the declared cross-column rules, duplicates of the natural key within
the file, and authorization: the user must be allowed the sheet's permission
on the row itself (`authz.may` on the row's organisation in the region), so
an editor of one municipality cannot write another's figures.
Nothing is written here; when anything is wrong the rows are not kept.

An optional natural-key column is always part of the rows' values: an empty
cell, or the column left out of the file, is None (NULL), which is a key value
of its own (two rows that differ only there are not duplicates).

At the commit of a staged import the row rules run again over the rows that
would be written (`recheck_rules`): a rule that depends on the date or the
region's settings (a deadline) may refuse what it allowed at the upload.

Messages are translated when they are made, so the errors staged for an
upload are in the language of whoever uploaded (Dutch on the command line).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _, ngettext

from core.authz import may
from core.excel.bounds import storable
from core.excel.cells import Invalid, Lookups, make_parser
from core.excel.diff import RowList
from core.excel.hidden import HIDDEN_IMPORT, HIDDEN_SKIP, hidden_refusal
from core.excel.reader import Marker, OpenedSheet, Problem, cell_ref
from core.excel.sheetscan import empty_cell_reason
from core.excel.spec import Kind, SheetSpec, format_value
from core.excel.store import StaleImport
from core.i18n import grouped
from core.regions.context import RuleContext, takes_context

MAX_KEPT_ERRORS = 10_000


@dataclass
class Validated:
    """The outcome: typed rows (only when there are no errors) or the errors."""

    keys: list[str]  # keys of the columns present in the file, in declaration order
    rows: RowList = field(default_factory=RowList)  # (row number, values in `keys` order), compact
    errors: list[Problem] = field(default_factory=list)  # at most MAX_KEPT_ERRORS
    error_count: int = 0
    sheet_name: str = ""
    header_row: int = 1
    org_ids: set[int] = field(default_factory=set)  # organisations the rows belong to (for the commit's re-check)
    screened: int = 0  # cells refused by the sheet's screen (the upload must not be kept)
    row_count: int = 0  # non-empty data rows read
    hidden_rows: list[int] = field(default_factory=list)  # non-empty data rows hidden in the sheet (or filtered)
    index: dict[tuple, int] | None = None  # natural key -> position in `rows` (when every row was kept)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(problem)


def check_marker(marker: Marker | None, spec: SheetSpec, instrument: str) -> list[Problem]:
    """An upload of another sheet's template, or of an outdated one, is told so in plain words."""
    if marker is None:
        return []
    if (marker.instrument, marker.sheet) != (instrument, spec.name):
        return [Problem(None, _("Dit bestand is een sjabloon voor een ander werkblad ('%(other)s'), niet voor "
                                "'%(sheet)s'. Download het juiste sjabloon.", other=marker.sheet, sheet=spec.title))]
    if marker.version < spec.version:
        return [Problem(None, _("Dit sjabloon is verouderd (versie %(old)s); de huidige versie is %(current)s. "
                                "Download een nieuw sjabloon en neem uw gegevens daarin over.",
                                old=marker.version, current=spec.version))]
    if marker.version > spec.version:
        return [Problem(None, _("Dit sjabloon (versie %(new)s) is nieuwer dan dit platform kent (versie "
                                "%(current)s). Download het sjabloon opnieuw.",
                                new=marker.version, current=spec.version))]
    return []


class RowPermission:
    """Asks `may` once per organisation (or once for the region) whether the user may write rows there."""

    def __init__(self, spec: SheetSpec, region, user, lookups: Lookups):
        self.spec = spec
        self.region = region
        self.user = user
        self.lookups = lookups
        self._cache: dict[Any, bool] = {}

    def allowed(self, org_id: int | None) -> bool:
        known = self._cache.get(org_id)
        if known is not None:
            return known
        if org_id not in self._cache:
            fields = {"region_id": self.region.id}
            if org_id is not None:
                fields["organisation_id"] = org_id
            row = self.spec.model(**fields)  # transient: never added to a session
            self._cache[org_id] = may(self.user, self.spec.permission, row)
        return self._cache[org_id]

    def cached(self) -> dict:
        return dict(self._cache)

    def refusal(self, org_id: int | None) -> str:
        noun = self.spec.row_noun
        if org_id is None:
            return _("u mag geen %(noun)s invoeren in regio %(region)s", noun=noun, region=self.region.name)
        org = self.lookups.organisation(org_id)
        who = f"{org.identifier} ({org.name})" if org else str(org_id)
        return _("u mag geen %(noun)s invoeren voor %(who)s", noun=noun, who=who)


def screen_of(spec: SheetSpec, context: RuleContext):
    """The sheet's screen as screen(value, is_header), told the context (None when the sheet has none)."""
    screen = spec.screen
    if screen is None:
        return None
    if takes_context(screen, 2):
        return lambda value, is_header: screen(value, is_header, context)
    return screen  # deprecated two-argument screen


def validate(opened: OpenedSheet, spec: SheetSpec, *, instrument: str, region, user, lookups: Lookups,
             max_rows: int, context: RuleContext | None = None, hidden: str | None = None) -> Validated:
    """Check every cell and row; keep the typed rows only while no error has been found.

    `context` is what the sheet's rules and screen are told (built from region, instrument and user when
    not given). `hidden`: what to do with rows hidden in the sheet (hidden.py): import, skip, or (None) refuse.
    """
    if context is None:
        context = RuleContext(region, instrument, user)
    present = {col.key: index for index, col in opened.columns}
    # natural-key columns are always kept: an optional one missing from the file is None in every row
    keys = [c.key for c in spec.imported_columns if c.key in present or c.key in spec.natural_key]
    result = Validated(keys=keys, sheet_name=opened.sheet_name, header_row=opened.header_row)
    for problem in check_marker(opened.marker, spec, instrument):
        result.add(problem)
    for problem in opened.problems:
        result.add(problem)
    if not opened.sheet_name:
        return result
    first_col = opened.first_col
    screen = screen_of(spec, context)
    if screen is not None:
        _screen_row(result, screen, opened.header_row, first_col, opened.header_values, True)
    plan = []
    for pos, key in enumerate(keys):
        if key not in present:
            continue  # an optional natural-key column left out of the file: None in every row
        col = spec.column(key)
        plan.append((present[key] - first_col, present[key], pos, col, make_parser(storable(spec, col), lookups)))
    labels = {c.key: c.label for c in spec.columns}
    headers = {c.key: c.header for c in spec.columns}
    rules = []
    for rule in spec.rules:
        if rule.column in present and all(k in present for k in rule.needs):
            rules.append((rule, keys.index(rule.column), present[rule.column], [keys.index(k) for k in rule.needs]))
    natural = None
    optional_key_positions: frozenset[int] = frozenset()  # a cell there that does not parse is not a NULL key
    if all(k in present or not spec.column(k).required for k in spec.natural_key):
        natural = [keys.index(k) for k in spec.natural_key]
        # a required key part that is empty has its own error; an optional one is None (NULL) by right
        required_parts = [i for i, k in enumerate(spec.natural_key) if spec.column(k).required]
        optional_key_positions = frozenset(natural[i] for i in range(len(natural)) if i not in required_parts)
        key_col = next(present[k] for k in spec.natural_key if k in present)
    org_pos = keys.index("organisation_id") if "organisation_id" in present else None
    org_col = present.get("organisation_id")
    has_org_column = "organisation_id" in {c.key for c in spec.imported_columns}
    permission = RowPermission(spec, region, user, lookups)
    if not has_org_column and not permission.allowed(None):
        result.add(Problem(None, permission.refusal(None)[0].upper() + permission.refusal(None)[1:] + "."))
    seen: dict[tuple, int] = {}
    count = 0
    n = len(keys)
    rows = result.rows
    keep = result.ok
    add = result.add
    allowed = permission.allowed
    scan = opened.scan
    odd_cells = bool(scan.errors or scan.formulas or scan.merged)
    hidden_rows = scan.hidden_rows
    names = ", ".join(headers[k] for k in spec.natural_key)

    def duplicate(key_row: int, first: int) -> Problem:
        return Problem(cell_ref(key_row, key_col), _("dubbele rij: dezelfde %(columns)s als rij %(row)s",
                                                     columns=names, row=first), key_row, key_col)

    def kept_duplicates(at: int) -> None:
        """Stop keeping rows: index the kept ones in `seen` (as if done row by row) and put the duplicates
        among them at `at` in the errors, before the problems of the row that stopped the keeping."""
        found = []
        for number, values in rows:
            key = tuple([values[p] for p in natural])
            first = seen.get(key)
            if first is not None:
                found.append(duplicate(number, first))
            else:
                seen[key] = number
        result.errors[at:at] = found[:max(0, MAX_KEPT_ERRORS - len(result.errors))]
        result.error_count += len(found)
        rows.clear()

    for row_number, raw in opened.rows():
        if hidden_rows and row_number in hidden_rows:
            result.hidden_rows.append(row_number)
            if hidden == HIDDEN_SKIP:
                continue
        count += 1
        row_start = len(result.errors)
        if count > max_rows:
            add(Problem(None, _("Het werkblad heeft meer dan %(maximum)s rijen met gegevens; splits het bestand.",
                                maximum=grouped(max_rows))))
            if keep and natural is not None:
                kept_duplicates(row_start)
            keep = False
            break
        width = len(raw)
        values: list[Any] = [None] * n
        errors_before = result.error_count
        unparsed_key = False
        for rel, col_index, pos, col, parse in plan:
            value = raw[rel] if rel < width else ""
            if value.__class__ is str and (not value or value.isspace()):
                value = None
            if value is None:
                if odd_cells and (reason := empty_cell_reason(scan, row_number, col_index, cell_ref)):
                    add(Problem(cell_ref(row_number, col_index), reason, row_number, col_index))
                    continue
                if col.required:
                    add(Problem(cell_ref(row_number, col_index),
                                _("%(column)s is verplicht; de cel is leeg", column=col.header), row_number, col_index))
                continue
            try:
                values[pos] = parse(value)
            except Invalid as exc:
                add(Problem(cell_ref(row_number, col_index), str(exc), row_number, col_index))
                if pos in optional_key_positions:
                    unparsed_key = True
        if screen is not None:
            _screen_row(result, screen, row_number, first_col, raw, False)
        for rule, _pos, col_index, needs in rules:
            for p in needs:
                if values[p] is None:
                    break
            else:
                message = rule.apply(dict(zip(keys, values)), labels, context)
                if message:
                    add(Problem(cell_ref(row_number, col_index), message, row_number, col_index))
        key = None
        duplicate_at = len(result.errors)  # where a duplicate's problem goes among this row's
        if natural is not None and not unparsed_key:
            key = tuple([values[p] for p in natural])
            if not all(key[i] is not None for i in required_parts):
                key = None
            elif not keep:  # while rows are kept, duplicates are looked for once the reader's grid is gone
                first = seen.get(key)
                if first is not None:
                    add(duplicate(row_number, first))
                else:
                    seen[key] = row_number
        if org_pos is not None:
            org_id = values[org_pos]
            if org_id is not None and not allowed(org_id):
                add(Problem(cell_ref(row_number, org_col), permission.refusal(org_id), row_number, org_col))
        if keep:
            if result.error_count == errors_before:
                rows.append((row_number, tuple(values)))
            else:
                keep = False
                if natural is not None:
                    shift = len(result.errors)
                    kept_duplicates(row_start)
                    duplicate_at += len(result.errors) - shift
                    if key is not None:  # this row's own key, in its place among its problems
                        first = seen.get(key)
                        if first is not None:
                            result.error_count += 1
                            if len(result.errors) < MAX_KEPT_ERRORS:
                                result.errors.insert(duplicate_at, duplicate(row_number, first))
                        else:
                            seen[key] = row_number
                else:
                    rows.clear()
    if keep and natural is not None:  # every row so far was kept: one index of their keys, also for the diff
        for i, (number, values) in enumerate(rows):
            key = tuple([values[p] for p in natural])
            first = seen.get(key)
            if first is not None:
                add(duplicate(number, rows.numbers[first]))
            else:
                seen[key] = i
        result.index = seen
    result.row_count = count
    if result.hidden_rows and hidden not in (HIDDEN_IMPORT, HIDDEN_SKIP):
        result.add(Problem(None, hidden_refusal(result.hidden_rows)))
    if count == 0 and result.ok and opened.marker is None:  # the platform's own empty export is 0 wijzigingen
        result.add(Problem(None, _("Het werkblad bevat geen rijen met gegevens onder de kopregel.")))
    if not result.ok:
        result.rows = RowList()
        result.index = None
    result.org_ids = {org for org, ok in permission.cached().items() if ok and org is not None}
    return result


def _screen_row(result: Validated, screen, row_number: int, first_col: int, values, is_header: bool) -> None:
    """Run the sheet's screen over every non-empty cell of one row (declared columns or not)."""
    for offset, value in enumerate(values):
        if value is None or value == "" or (value.__class__ is str and value.isspace()):
            continue
        message = screen(value, is_header)
        if message:
            col = first_col + offset
            result.screened += 1
            result.add(Problem(cell_ref(row_number, col), message, row_number, col))


def describe(spec: SheetSpec, col_key: str, value: Any, lookups: Lookups) -> str:
    """A stored value as shown in the preview (identifier for organisations, ja/nee, Dutch numbers)."""
    if value is None:
        return ""
    col = spec.column(col_key)
    if col.kind == Kind.ORGANISATION:
        org = lookups.organisation(value)
        return f"{org.identifier} ({org.name})" if org else str(value)
    return format_value(value)


class RowsRefused(StaleImport):
    """At the commit, a row rule refuses rows it allowed at the upload (a deadline passed in between).

    A StaleImport, so every caller that handles a changed situation (upload
    again) handles this one too; the message names each refused row.
    """

    SHOWN = 10

    def __init__(self, messages: list[str]):
        lines = " ".join(f"{m[:1].upper()}{m[1:]}." for m in messages[:self.SHOWN])
        more = len(messages) - self.SHOWN
        if more > 0:
            lines += " " + ngettext("En nog %(num)s rij.", "En nog %(num)s rijen.", more)
        RuntimeError.__init__(self, _("Er is niets opgeslagen: sinds u het bestand uploadde, is niet meer alles "
                                      "toegestaan. %(rows)s", rows=lines))
        self.messages = messages


def recheck_rules(spec: SheetSpec, diff, lookups, context: RuleContext) -> None:
    """Run the sheet's row rules again over the rows a commit would write; raise RowsRefused if any fails.

    `diff` is the staged Diff (its new and changed rows, with their row numbers
    in the file when known); `lookups` is a zero-argument callable returning
    Lookups, called only to describe refused rows; `context` is the rules'
    context at the commit (today's date and the settings of that moment).
    """
    keys = list(diff.keys)
    labels = {c.key: c.label for c in spec.columns}
    rules = [(rule, [keys.index(k) for k in rule.needs]) for rule in spec.rules
             if rule.column in keys and all(k in keys for k in rule.needs)]
    if not rules:
        return
    rows = list(zip(diff.new_rows or [None] * len(diff.new), diff.new))
    rows += list(zip(diff.changed_rows or [None] * len(diff.changed), (new for _id, _old, new in diff.changed)))
    messages = []
    found = None
    for row_number, values in rows:
        for rule, needs in rules:
            if any(values[p] is None for p in needs):
                continue
            message = rule.apply(dict(zip(keys, values)), labels, context)
            if message:
                if found is None:
                    found = lookups()
                key = ", ".join(text for k in spec.natural_key
                                if (text := describe(spec, k, values[keys.index(k)], found)))
                where = (_("rij %(row)s (%(key)s)", row=row_number, key=key) if row_number is not None
                         else _("de rij %(key)s", key=key))
                messages.append((row_number, f"{where}: {message}"))
    if messages:
        messages.sort(key=lambda m: (0, m[0]) if m[0] is not None else (1, 0))  # by row; rows without one last
        raise RowsRefused([text for _row, text in messages])
