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
    GET  .../taak/<job>/            a background job's progress; when done, its preview, errors or result
    POST .../taak/<job>/opnieuw     start a killed job again
    GET  .../taak/<job>/bestand.xlsx  the workbook an export job made

Large uploads, confirms and exports run as background jobs (core/excel/jobs.py,
core/jobs): on an RQ worker when REDIS_URL is set, else inline, ending on the
same pages.
"""
from __future__ import annotations

import io

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField

from core.authz import authorize, may
from core.db import db_session
from core.excel import engine, jobs as excel_jobs, stage
from core.excel.hidden import chosen as hidden_choice, hidden_notice
from core.excel.marked import marked_workbook
from core.excel.models import STATE_ERRORS, STATE_READY, StagedImport
from core.excel.readable import shown_old
from core.excel.spec import SheetSpec
from core.excel.validate import describe
from core.forms import DutchForm
from core.i18n import current_language
from core.jobs import runner
from core.jobs.models import ACTIVE, DONE, FAILED, BackgroundJob
from core.regions.guard import require_instrument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 200
REFRESH_SECONDS = 2  # a job's page reloads itself this often while the job runs


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
        if excel_jobs.runs_as_job_upload(current_app.config, data):
            return _start_job(excel_jobs.UPLOAD, spec, instrument, payload=data,
                              options={"filename": upload.filename or "", "hidden": form.hidden.data or None})
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
    if excel_jobs.runs_as_job_export(current_app.config, db_session(), spec, g.region):
        return _start_job(excel_jobs.EXPORT, spec, instrument)
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

    def show_old(position, stored, shown):
        return show(position, stored) if shown == stored else str(shown)  # hidden or transformed: as given

    changed = []
    first = diff.changed[:PREVIEW_ROWS]
    readable = shown_old(db_session(), spec, g.region, current_user, diff.keys, first)
    for (_row_id, old, new), shown in zip(first, readable):
        changed.append({
            "key": [show(p, new[p]) for p in key_positions],
            "changes": [(headers[i], show_old(i, old[i], shown[i]), show(i, new[i]))
                        for i in range(len(new)) if old[i] != new[i]],
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
    if excel_jobs.runs_as_job_confirm(current_app.config, staged):
        return _start_job(excel_jobs.CONFIRM, spec, instrument, options={"staged": staged.token})
    session = db_session()
    try:
        diff = engine.commit_staged(session, staged, spec=spec, instrument=instrument, region=g.region,
                                    user=current_user)
    except (engine.StaleImport, engine.PermissionChanged) as exc:
        session.rollback()
        return _message(spec, instrument, _("Niet opgeslagen"), str(exc), 409)
    flash(excel_jobs.saved_message(len(diff.new), len(diff.changed), diff.unchanged))
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


def _start_job(kind: str, spec: SheetSpec, instrument: str, *, options=None, payload=None):
    """Run `kind` as a background job for the current user (queued on RQ, or inline) and show its page."""
    session = db_session()
    job = runner.create(session, kind=kind, owner=current_user, region=g.region, instrument=instrument,
                        sheet=spec.name, locale=current_language(), options=options, payload=payload)
    runner.start(session, job)
    return redirect(url_for(".excel_job", instrument=instrument, sheet=spec.name, job=job.token), 303)


def _job(instrument: str, sheet: str, token: str) -> tuple[SheetSpec, BackgroundJob]:
    """The job behind `token` on this sheet, authorized for its owner only (others: 404)."""
    spec = _sheet(instrument, sheet)
    job = db_session().scalar(select(BackgroundJob).where(BackgroundJob.token == token))
    permission = spec.read_permission if job is not None and job.kind == excel_jobs.EXPORT else spec.permission
    authorize(permission, g.region)
    if job is None or job.region_id != g.region.id or job.instrument_key != instrument or job.sheet_name != spec.name:
        abort(404)
    authorize(permission, job)  # its owner's only (core/authz.py)
    return spec, job


def job_page(instrument: str, sheet: str, job: str):
    """Progress while the job runs (the page reloads itself); when done, the page the work ends on."""
    spec, job_row = _job(instrument, sheet, job)
    config = current_app.config
    state = runner.status(job_row, config)
    if state == DONE:
        if job_row.kind == excel_jobs.UPLOAD and job_row.result_token:
            if job_row.message:
                flash(job_row.message)
            target = ".excel_preview" if _staged_ready(job_row.result_token) else ".excel_errors"
            return redirect(url_for(target, instrument=instrument, sheet=spec.name, token=job_row.result_token), 303)
        if job_row.kind == excel_jobs.CONFIRM:
            flash(job_row.message or _("Opgeslagen."))
            return redirect(url_for(".excel_sheet", instrument=instrument, sheet=spec.name), 303)
    status_code = 409 if state == FAILED and job_row.message else 200
    active = state in ACTIVE
    refresh = REFRESH_SECONDS if active and request.args.get("verversen") != "uit" else None
    return render_template("excel/job.html", spec=spec, instrument=instrument, job=job_row, state=state,
                           kind=job_row.kind.split(".")[-1], active=active,
                           retryable=not active and runner.retryable(job_row, config), refresh=refresh,
                           form=DutchForm()), status_code


def _staged_ready(token: str) -> bool:
    return db_session().scalar(select(StagedImport.state).where(StagedImport.token == token)) == STATE_READY


def job_retry(instrument: str, sheet: str, job: str):
    """Start a killed job again (its upload, or its staged import, is still there)."""
    spec, job_row = _job(instrument, sheet, job)
    if not DutchForm().validate_on_submit():
        abort(400)
    if not runner.retry(db_session(), job_row, current_app.config):
        flash(_("Deze taak loopt nog of is al afgerond; er is niets opnieuw gestart."))
    return redirect(url_for(".excel_job", instrument=instrument, sheet=spec.name, job=job_row.token), 303)


def job_file(instrument: str, sheet: str, job: str):
    """The workbook an export job made."""
    spec, job_row = _job(instrument, sheet, job)
    if job_row.kind != excel_jobs.EXPORT or job_row.state != DONE or job_row.result is None:
        abort(404)
    return send_file(io.BytesIO(job_row.result), mimetype=XLSX, as_attachment=True,
                     download_name=f"{spec.name}-{g.region.slug}.xlsx")


ROUTES = (
    ("/", "excel_sheet", sheet_page, ("GET", "POST")),
    ("/sjabloon.xlsx", "excel_template", template_download, ("GET",)),
    ("/export.xlsx", "excel_export", export_download, ("GET",)),
    ("/<token>/", "excel_preview", preview_page, ("GET",)),
    ("/<token>/fouten", "excel_errors", errors_page, ("GET",)),
    ("/<token>/gemarkeerd.xlsx", "excel_marked", marked_download, ("GET",)),
    ("/<token>/bevestigen", "excel_confirm", confirm, ("POST",)),
    ("/<token>/annuleren", "excel_cancel", cancel, ("POST",)),
    ("/taak/<job>/", "excel_job", job_page, ("GET",)),
    ("/taak/<job>/opnieuw", "excel_job_retry", job_retry, ("POST",)),
    ("/taak/<job>/bestand.xlsx", "excel_job_file", job_file, ("GET",)),
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
