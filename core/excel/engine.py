"""The engine's front door, shared by the web views, the CLI and the benchmark.

Import: refuse unsafe files (safety), read (reader), validate every cell and
row including per-row authorization (validate), compare with what is stored
(diff); then either stage the result for a preview (stage) or write it in
one transaction with audit entries (store). Export and templates: scoped
rows through the streaming writer (export).

Every entry point first calls `require_instrument`, the same guard as the
web's, so nothing is imported into or exported from a disabled instrument.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any, Iterator

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.authz import scoped
from core.excel import stage as staging
from core.excel.cells import Lookups, OrgInfo
from core.excel.dberror import database_errors
from core.excel.diff import Diff, compute_diff
from core.excel.hidden import chosen as hidden_choice
from core.excel.normalise import normalised
from core.excel.reader import Problem, open_sheet
from core.excel.safety import Limits, RefusedFile, check_deferred, check_workbook
from core.excel.othersheets import screen_other_sheets
from core.excel.spec import Kind, SheetSpec
from core.excel.validate import RowPermission, recheck_rules, screen_of, validate
from core.excel.store import StaleImport, lock_rows, lock_sheet, recheck, write_diff
from core.excel.export import write_workbook
from core.orgs.models import Organisation
from core.regions.context import RuleContext
from core.regions.guard import require_instrument
from core.regions.models import Region, RegionMember
from core.school_years import SchoolYearSettings

__all__ = [
    "Prepared", "PermissionChanged", "StaleImport", "find_sheet", "build_lookups", "prepare_import",
    "commit_prepared", "stage_prepared", "commit_staged", "export_rows", "exportable", "export_sheet", "template_sheet",
    "actor_of",
]


class PermissionChanged(RuntimeError):
    def __init__(self):
        super().__init__(_("Uw rechten zijn gewijzigd sinds u het bestand uploadde; upload het bestand opnieuw."))


def find_sheet(registry, instrument: str, name: str) -> SheetSpec | None:
    entry = registry.entries.get(instrument)
    if entry is None:
        return None
    return next((s for s in entry.sheets if s.name == name), None)


def actor_of(user) -> tuple[int | None, str]:
    return user.id, user.email


def build_lookups(session: Session, region: Region, instrument: str | None = None) -> Lookups:
    """The region's member organisations, with look-ups of any other organisation on demand; with the
    instrument, its closed set of school years today where its settings declare one (SchoolYearSettings)."""
    rows = session.execute(
        select(Organisation.id, Organisation.identifier, Organisation.name, Organisation.kind)
        .join(RegionMember, RegionMember.organisation_id == Organisation.id)
        .where(RegionMember.region_id == region.id)
    )
    members = {identifier: OrgInfo(org_id, identifier, name, kind) for org_id, identifier, name, kind in rows}

    def find(where) -> OrgInfo | None:
        row = session.execute(select(Organisation.id, Organisation.identifier, Organisation.name,
                                     Organisation.kind).where(where)).first()
        return OrgInfo(*row) if row else None

    return Lookups(region.id, region.name, region.rmc_code, members,
                   find_identifier=lambda code: find(Organisation.identifier == code),
                   find_id=lambda org_id: find(Organisation.id == org_id),
                   school_years=_school_years(region, instrument))


def stored_school_years(session: Session, spec: SheetSpec, region: Region) -> frozenset:
    """The school years of the sheet's rows in the region (every school-year column of its table)."""
    found: set = set()
    for col in spec.imported_columns:
        if col.kind == Kind.SCHOOL_YEAR:
            column = getattr(spec.model, col.key)
            found.update(session.scalars(select(column).where(spec.model.region_id == region.id).distinct()))
    return frozenset(y for y in found if y)


def _school_years(region: Region, instrument: str | None):
    if instrument is None:
        return None
    context = RuleContext(region, instrument)
    return context.school_years if isinstance(context.settings, SchoolYearSettings) else None


@dataclass
class Prepared:
    """A checked upload: its problems, or the diff that would be written."""

    spec: SheetSpec
    filename: str
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    sheet_name: str = ""
    refused: bool = False  # refused before reading (unsafe or unreadable), or screened: the upload is not kept
    diff: Diff | None = None
    file_keys: list[tuple] = field(default_factory=list)
    lookups: Lookups | None = None
    row_count: int = 0
    hidden_rows: list[int] = field(default_factory=list)  # data rows hidden in the sheet (imported or skipped)
    unchecked: bool = False  # a large sheet was not checked whole (refused for its header): not kept to mark

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.diff is not None


def prepare_import(session: Session, *, spec: SheetSpec, instrument: str, region: Region, user, data: bytes,
                   filename: str, config, hidden: str | None = None, rows_seen=None) -> Prepared:
    """Check, read, validate and diff an upload. Writes nothing.

    `hidden`: the uploader's choice for hidden rows ("import" or "skip"; None: the sheet's, else refuse).
    `rows_seen`: wraps the reader's row iterator (a job counts the rows as they stream by).
    """
    require_instrument(region, instrument)
    limits = Limits.from_config(config)
    prepared = Prepared(spec=spec, filename=filename)
    deferred: list[str] = []  # worksheets checked whole only once the header was found (or before screening)
    try:
        check_workbook(data, filename, limits, defer=deferred)
        data = normalised(data)  # backslash or root part names, as some Windows tools write them
        workbook = data

        def later(**which):
            check_deferred(workbook, deferred, limits, **which)

        opened = open_sheet(data, spec, max_rows=limits.max_rows, later=later)
    except RefusedFile as exc:
        return _refused(prepared, exc)
    if rows_seen is not None:
        opened.rows = rows_seen(opened.rows)
    prepare_opened(session, prepared, opened, spec=spec, instrument=instrument, region=region, user=user,
                   max_rows=limits.max_rows, hidden=hidden, workbook=data, later=later)
    prepared.unchecked = bool(deferred)  # refused for its header before a large sheet was checked whole
    return prepared


def _refused(prepared: Prepared, exc: RefusedFile) -> Prepared:
    prepared.problems = [Problem(None, str(exc))]
    prepared.error_count = 1
    prepared.refused = True
    return prepared


def prepare_opened(session: Session, prepared: Prepared, opened, *, spec: SheetSpec, instrument: str,
                   region: Region, user, max_rows: int, hidden: str | None = None,
                   workbook: bytes | None = None, later=None) -> Prepared:
    """Validate and diff the rows of an opened sheet (a workbook's, or another row source such as the JSON
    API's, core.api.rows) into `prepared`. Writes nothing. `workbook`: the upload, whose other sheets are
    screened too (None: the rows have no workbook around them); `later`: checks the worksheets the safety
    check left for later (open_sheet's), before the screen reads them."""
    lookups = build_lookups(session, region, instrument)
    if lookups.school_years is not None:
        lookups.stored_school_years = stored_school_years(session, spec, region)
    prepared.lookups = lookups
    validated = validate(opened, spec, instrument=instrument, region=region, user=user, lookups=lookups,
                         max_rows=max_rows, context=RuleContext(region, instrument, user),
                         hidden=hidden_choice(hidden, spec))
    del opened  # lets go of the reader's grid before the stored rows are loaded
    prepared.sheet_name = validated.sheet_name
    prepared.row_count = validated.row_count
    prepared.hidden_rows = validated.hidden_rows
    screen = screen_of(spec, RuleContext(region, instrument, user))
    if screen is not None and workbook is not None:  # personal data on any other sheet refuses the workbook too
        try:
            if later is not None:
                later(exclude=validated.sheet_name)
        except RefusedFile as exc:
            return _refused(prepared, exc)
        others, refused_cells = screen_other_sheets(workbook, validated.sheet_name, screen)
        if refused_cells:
            validated.errors = [*validated.errors, *others]
            validated.error_count += refused_cells
            validated.screened += refused_cells
    if not validated.ok:
        prepared.problems = validated.errors
        prepared.error_count = validated.error_count
        prepared.refused = validated.screened > 0  # a screened cell must not be stored, not even to mark it
        return prepared
    rows, validated.rows = validated.rows, []
    index, validated.index = validated.index, None
    prepared.diff, prepared.file_keys = compute_diff(session, spec, region.id, validated.keys, rows, index)
    return prepared


def commit_prepared(session: Session, prepared: Prepared, region: Region, actor, *, locked: bool = False):
    """Write a prepared import at once (the CLI): one transaction, audit entries included.

    `locked`: the caller took `lock_sheet` before preparing, in this same
    transaction, so no other import made the diff stale; otherwise it is
    checked again. Either way the rows it overwrites are locked and checked
    (`lock_rows`): a form may have saved one since it was read.
    """
    assert prepared.ok and prepared.diff is not None
    if not locked:
        lock_sheet(session, prepared.spec, region.id)
    lock_rows(session, prepared.spec, prepared.diff)  # forms do not take lock_sheet: the overwritten rows
    if not locked:
        recheck(session, prepared.spec, region.id, prepared.diff, prepared.file_keys)
    with database_errors():
        stats = write_diff(session, prepared.spec, region.id, prepared.diff, actor)
        session.commit()
    return stats


def stage_prepared(session: Session, prepared: Prepared, *, user, region: Region, instrument: str,
                   data: bytes, minutes: int, mark_max_rows: int | None = None):
    """Keep a prepared upload in the database for the preview (or for its error page) and commit."""
    common = dict(user_id=user.id, region_id=region.id, instrument=instrument, spec=prepared.spec,
                  filename=prepared.filename, minutes=minutes)
    if prepared.ok:
        staged = staging.stage_ready(session, diff=prepared.diff, file_keys=prepared.file_keys, **common)
    else:
        too_big = mark_max_rows is not None and prepared.row_count > mark_max_rows  # openpyxl loads it whole
        keep = not prepared.refused and not too_big and not prepared.unchecked  # only a file that can be marked
        staged = staging.stage_errors(session, errors=prepared.problems, error_count=prepared.error_count,
                                      sheet_name=prepared.sheet_name, data=normalised(data) if keep else None,
                                      **common)
    session.commit()
    return staged


def commit_staged(session: Session, staged, *, spec: SheetSpec, instrument: str, region: Region, user) -> Diff:
    """Write a staged import after checking that nothing it was diffed against has changed since."""
    require_instrument(region, instrument)
    diff, file_keys = staging.diff_of(staged, spec)
    if "organisation_id" in diff.keys:
        position = diff.keys.index("organisation_id")
        org_ids = {v[position] for v in diff.new} | {new[position] for _id, _old, new in diff.changed}
    else:
        org_ids = {None}
    permission = RowPermission(spec, region, user, Lookups(region.id, region.name, region.rmc_code))
    if not all(permission.allowed(org_id) for org_id in org_ids):
        raise PermissionChanged()
    lock_sheet(session, spec, region.id)
    lock_rows(session, spec, diff)  # a form saving one of these rows now waits, or has committed before
    recheck(session, spec, region.id, diff, file_keys)
    # rules may depend on the date or the region's settings (a deadline): ask them again (RowsRefused)
    recheck_rules(spec, diff, lambda: build_lookups(session, region, instrument), RuleContext(region, instrument, user))
    with database_errors():
        write_diff(session, spec, region.id, diff, actor_of(user))
        session.execute(delete(type(staged)).where(type(staged).id == staged.id))
        session.commit()
    return diff


def export_rows(session: Session, spec: SheetSpec, region: Region, user) -> Iterator[list[Any]]:
    """The rows of the region the user may see or import, as values in `spec.columns` order, streamed.

    A sheet with an export hook (`SheetSpec.export_rows`) hands over its own rows instead: the hook
    decides what the user may see, and its cells may hold text such as "<5" in number columns.
    """
    if spec.export_rows is not None:
        yield from spec.export_rows(session, region, user)
        return
    model = spec.model
    imported = [c.key for c in spec.imported_columns]
    stmt = select(*[getattr(model, k) for k in imported]).where(model.region_id == region.id)
    stmt = exportable(stmt, spec, user)
    stmt = stmt.order_by(*[getattr(model, k) for k in spec.natural_key], model.id)
    computed = [(i, c.computed) for i, c in enumerate(spec.columns) if c.computed is not None]
    slots = [imported.index(c.key) if c.imported else None for c in spec.columns]
    for row in session.execute(stmt.execution_options(yield_per=2000)):
        values = [row[s] if s is not None else None for s in slots]
        if computed:
            mapping = dict(zip(imported, row))
            for i, func in computed:
                values[i] = func(mapping)
        yield values


def exportable(stmt, spec: SheetSpec, user):
    """`stmt` restricted to the rows the user may see or may import: whoever may import a row may export it
    (an editor of the region's coordinating organisation imports for every organisation of the region with a
    region-wide permission, and finds those rows in the export right after)."""
    if not spec.permission or spec.permission == spec.read_permission:
        return scoped(stmt, spec.read_permission, user)
    model = spec.model
    readable = scoped(select(model.id), spec.read_permission, user)
    importable = scoped(select(model.id), spec.permission, user)
    return stmt.where(model.id.in_(readable) | model.id.in_(importable))


def export_sheet(session: Session, *, spec: SheetSpec, instrument: str, region: Region, user, out: str | IO[bytes],
                 extra_rows: int = 500) -> int:
    """Write what the user may see of this sheet in the region; returns the number of rows."""
    require_instrument(region, instrument)
    lookups = build_lookups(session, region, instrument)
    return write_workbook(out, spec, instrument, export_rows(session, spec, region, user), lookups,
                          extra_rows=extra_rows)


def template_sheet(session: Session, *, spec: SheetSpec, instrument: str, region: Region, out: str | IO[bytes],
                   rows: int = 1000) -> None:
    """An empty template for the region: header, drop-downs, explanation, schema version."""
    require_instrument(region, instrument)
    write_workbook(out, spec, instrument, [], build_lookups(session, region, instrument), extra_rows=rows)
