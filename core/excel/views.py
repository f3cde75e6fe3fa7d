"""Web pages of the Excel engine, mounted by the core for every declared sheet.

Under /regio/<region>/<instrument>/excel/<sheet>/ on the region blueprint, so
the region guard runs first (unknown or invisible region: 404); each view
then calls `require_instrument` (disabled instrument: 404, like the
instrument's own pages) and `authorize`.

    GET  .../                       the sheet's page: template, export, upload form
    POST .../                       upload: errors page or preview (staged in the database)
    GET  .../sjabloon.xlsx          empty template for the region
    GET  .../export.xlsx            what the user may see, as a workbook
    GET  .../<token>/               preview: new, changed (old and new), unchanged
    GET  .../<token>/fouten         every problem with its cell (first EXCEL_ERRORS_SHOWN)
    GET  .../<token>/gemarkeerd.xlsx  the uploaded workbook with the wrong cells marked
    POST .../<token>/bevestigen     commit in one transaction
    POST .../<token>/annuleren      drop the staged import
"""
from __future__ import annotations

import io

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from core.authz import authorize, may
from core.db import db_session
from core.excel import engine, stage
from core.excel.hidden import chosen as hidden_choice, hidden_notice
from core.excel.marked import marked_workbook
from core.excel.models import STATE_ERRORS, STATE_READY
from core.excel.spec import SheetSpec
from core.excel.validate import describe
from core.forms import DutchForm
from core.i18n import number
from core.regions.guard import require_instrument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 200


class UploadForm(DutchForm):
    file = FileField(_l("Excel-bestand (.xlsx)"), validators=[FileRequired(_l("Kies een bestand om te uploaden."))])
    hidden = SelectField(_l("Verborgen rijen (met de hand of door een filter)"), default="",
                         choices=[("", _l("Melden en niets opslaan")), ("import", _l("Importeren")),
                                  ("skip", _l("Overslaan"))])


def _registry():
    return current_app.extensions["regioplatform"]


def _sheet(instrument: str, sheet: str) -> SheetSpec:
    """The declared sheet, behind the same instrument guard as the instrument's own pages."""
    spec = engine.find_sheet(_registry(), instrument, sheet)
    if spec is None:
        abort(404)
    require_instrument(g.region, instrument)
    return spec


def _staged(instrument: str, spec: SheetSpec, token: str):
    try:
        return stage.load(db_session(), token, user_id=current_user.id, region_id=g.region.id,
                          instrument=instrument, spec=spec)
    except stage.StagedNotFound:
        abort(404)
    except stage.StagedExpired:
        return None


def _translated(text: str) -> str:
    """A sheet's description or help text in the reader's language; the workbook keeps the Dutch."""
    return _(text) if text else ""


def _message(spec: SheetSpec, instrument: str, title: str, text: str, status: int):
    return render_template("excel/message.html", spec=spec, instrument=instrument, title=title, text=text), status


def sheet_page(instrument: str, sheet: str):
    spec = _sheet(instrument, sheet)
    region = g.region
    if request.method == "POST":
        authorize(spec.permission, region)
    else:
        authorize(spec.read_permission, region)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        session = db_session()
        prepared = engine.prepare_import(session, spec=spec, instrument=instrument, region=region,
                                         user=current_user, data=data, filename=upload.filename or "",
                                         config=current_app.config, hidden=form.hidden.data or None)
        if prepared.ok and prepared.hidden_rows:
            flash(hidden_notice(prepared.hidden_rows, hidden_choice(form.hidden.data, spec)))
        staged = engine.stage_prepared(session, prepared, user=current_user, region=region, instrument=instrument,
                                       data=data, minutes=current_app.config["EXCEL_STAGE_MINUTES"],
                                       mark_max_rows=current_app.config["EXCEL_MARK_MAX_ROWS"])
        target = ".excel_preview" if prepared.ok else ".excel_errors"
        return redirect(url_for(target, instrument=instrument, sheet=spec.name, token=staged.token), 303)
    return render_template("excel/sheet.html", spec=spec, instrument=instrument, form=form,
                           entry=_registry().entries[instrument], description=_translated(spec.description),
                           helps={c.key: _translated(c.help) for c in spec.columns},
                           may_import=may(current_user, spec.permission, region)), \
        (400 if form.errors else 200)


def template_download(instrument: str, sheet: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.read_permission, g.region)
    out = io.BytesIO()
    engine.template_sheet(db_session(), spec=spec, instrument=instrument, region=g.region, out=out,
                          rows=current_app.config["EXCEL_TEMPLATE_ROWS"])
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True,
                     download_name=f"{spec.name}-sjabloon-{g.region.slug}.xlsx")


def export_download(instrument: str, sheet: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.read_permission, g.region)
    out = io.BytesIO()
    engine.export_sheet(db_session(), spec=spec, instrument=instrument, region=g.region, user=current_user, out=out)
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{spec.name}-{g.region.slug}.xlsx")


def _expired(spec, instrument):
    return _message(spec, instrument, _("Verlopen"),
                    _("Deze upload is verlopen en niet opgeslagen. Upload het bestand opnieuw."), 410)


def errors_page(instrument: str, sheet: str, token: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.permission, g.region)
    staged = _staged(instrument, spec, token)
    if staged is None:
        return _expired(spec, instrument)
    if staged.state != STATE_ERRORS:
        return redirect(url_for(".excel_preview", instrument=instrument, sheet=spec.name, token=token))
    _sheet_name, problems = stage.errors_of(staged)
    shown = current_app.config["EXCEL_ERRORS_SHOWN"]
    return render_template("excel/errors.html", spec=spec, instrument=instrument, staged=staged,
                           problems=problems[:shown], total=staged.error_count,
                           can_mark=staged.upload is not None, form=UploadForm())


def marked_download(instrument: str, sheet: str, token: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.permission, g.region)
    staged = _staged(instrument, spec, token)
    if staged is None:
        return _expired(spec, instrument)
    if staged.state != STATE_ERRORS or staged.upload is None:
        abort(404)
    sheet_name, problems = stage.errors_of(staged)
    marked = marked_workbook(staged.upload, sheet_name, problems, staged.error_count)
    stem = (staged.filename.rsplit(".", 1)[0] or spec.name)[:80]
    return send_file(io.BytesIO(marked), mimetype=XLSX, as_attachment=True, download_name=f"{stem}-fouten.xlsx")


def preview_page(instrument: str, sheet: str, token: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.permission, g.region)
    staged = _staged(instrument, spec, token)
    if staged is None:
        return _expired(spec, instrument)
    if staged.state != STATE_READY:
        return redirect(url_for(".excel_errors", instrument=instrument, sheet=spec.name, token=token))
    diff, _keys = stage.diff_of(staged, spec)
    lookups = engine.build_lookups(db_session(), g.region)
    headers = [spec.column(k).header for k in diff.keys]
    key_positions = [diff.keys.index(k) for k in spec.natural_key]

    def show(position, value):
        return describe(spec, diff.keys[position], value, lookups)

    changed = []
    for _row_id, old, new in diff.changed[:PREVIEW_ROWS]:
        changed.append({
            "key": [show(p, new[p]) for p in key_positions],
            "changes": [(headers[i], show(i, old[i]), show(i, new[i])) for i in range(len(new)) if old[i] != new[i]],
        })
    new_rows = [[show(i, v) for i, v in enumerate(values)] for values in diff.new[:PREVIEW_ROWS]]
    return render_template("excel/preview.html", spec=spec, instrument=instrument, staged=staged,
                           headers=headers, key_headers=[spec.column(k).header for k in spec.natural_key],
                           changed=changed, new_rows=new_rows, limit=PREVIEW_ROWS, form=DutchForm())


def confirm(instrument: str, sheet: str, token: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.permission, g.region)
    if not DutchForm().validate_on_submit():
        abort(400)
    staged = _staged(instrument, spec, token)
    if staged is None:
        return _expired(spec, instrument)
    if staged.state != STATE_READY:
        abort(404)
    session = db_session()
    try:
        diff = engine.commit_staged(session, staged, spec=spec, instrument=instrument, region=g.region,
                                    user=current_user)
    except (engine.StaleImport, engine.PermissionChanged) as exc:
        session.rollback()
        return _message(spec, instrument, _("Niet opgeslagen"), str(exc), 409)
    flash(_("Opgeslagen: %(new)s nieuw, %(changed)s gewijzigd, %(unchanged)s ongewijzigd.", new=number(len(diff.new)),
            changed=number(len(diff.changed)), unchanged=number(diff.unchanged)))
    return redirect(url_for(".excel_sheet", instrument=instrument, sheet=spec.name), 303)


def cancel(instrument: str, sheet: str, token: str):
    spec = _sheet(instrument, sheet)
    authorize(spec.permission, g.region)
    if not DutchForm().validate_on_submit():
        abort(400)
    staged = _staged(instrument, spec, token)
    if staged is not None:
        db_session().delete(staged)
        db_session().commit()
    flash(_("De upload is geannuleerd; er is niets opgeslagen."))
    return redirect(url_for(".excel_sheet", instrument=instrument, sheet=spec.name), 303)


ROUTES = (
    ("/", "excel_sheet", sheet_page, ("GET", "POST")),
    ("/sjabloon.xlsx", "excel_template", template_download, ("GET",)),
    ("/export.xlsx", "excel_export", export_download, ("GET",)),
    ("/<token>/", "excel_preview", preview_page, ("GET",)),
    ("/<token>/fouten", "excel_errors", errors_page, ("GET",)),
    ("/<token>/gemarkeerd.xlsx", "excel_marked", marked_download, ("GET",)),
    ("/<token>/bevestigen", "excel_confirm", confirm, ("POST",)),
    ("/<token>/annuleren", "excel_cancel", cancel, ("POST",)),
)


def add_excel_routes(regio_bp, registry) -> None:
    """Add the Excel pages of every declared sheet to the region blueprint (before it is registered).

    One concrete rule per sheet (the instrument and sheet are rule defaults),
    so url_for(".excel_sheet", instrument=..., sheet=...) works and a walk of
    the URL map sees every sheet's pages.
    """
    for entry in registry.ordered():
        for spec in entry.sheets:
            prefix = f"/{entry.key}/excel/{spec.name}"
            for path, endpoint, view, methods in ROUTES:
                regio_bp.add_url_rule(prefix + path, endpoint, view, methods=list(methods),
                                      defaults={"instrument": entry.key, "sheet": spec.name})
