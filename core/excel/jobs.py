"""The Excel engine's work as background jobs: large uploads, confirms of large imports, large exports.

Each handler does what the page does in the request for a small file, with
the job's owner as the user: the same checks, the same staging, the same
one-transaction confirm (core/excel/engine.py). The page then shows the
job's progress (core/excel/views.py) and ends on the same preview, error
page or result as a small file does.
"""
from __future__ import annotations

import io

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.excel import engine, stage
from core.excel.hidden import chosen as hidden_choice, hidden_notice
from core.excel.models import STATE_READY
from core.db import utcnow
from core.i18n import number
from core.identity.models import User
from core.jobs.models import DONE
from core.jobs.runner import JobFailed, handler, options
from core.regions.models import Region

UPLOAD, CONFIRM, EXPORT = "excel.upload", "excel.confirm", "excel.export"
REPORT_EVERY = 2000  # rows between two progress reports while reading


def runs_as_job_upload(config, data: bytes) -> bool:
    """An upload over JOBS_UPLOAD_MIN_BYTES is read and checked in a job."""
    return len(data) > config["JOBS_UPLOAD_MIN_BYTES"]


def runs_as_job_confirm(config, staged) -> bool:
    """A confirm that writes JOBS_CONFIRM_MIN_ROWS rows or more runs in a job."""
    return staged.new_count + staged.changed_count >= config["JOBS_CONFIRM_MIN_ROWS"]


def runs_as_job_export(config, session, spec, region) -> bool:
    """An export of a sheet with JOBS_EXPORT_MIN_ROWS stored rows or more in the region runs in a job."""
    model = spec.model
    stored = session.scalar(select(func.count()).select_from(model).where(model.region_id == region.id))
    return stored >= config["JOBS_EXPORT_MIN_ROWS"]


def _context(session, job):
    spec = engine.find_sheet(current_app.extensions["regioplatform"], job.instrument_key, job.sheet_name)
    region = session.get(Region, job.region_id)
    user = session.get(User, job.owner_id)
    if spec is None or region is None or user is None or not user.active:
        raise JobFailed(_("Dit blad of deze regio bestaat niet meer; er is niets opgeslagen."))
    return spec, region, user


class _Counter:
    """Reports rows read while the reader streams them into validation."""

    def __init__(self, progress):
        self.progress = progress

    def wrap(self, rows):
        def counted():
            count = 0
            for item in rows():
                count += 1
                if count % REPORT_EVERY == 0:
                    self.progress.report(rows_read=count)
                yield item

        return counted


@handler(UPLOAD)
def upload(session, job, progress) -> dict:
    """Check, read, validate and diff an uploaded file; stage it for the preview or its error page."""
    spec, region, user = _context(session, job)
    given = options(job)
    config = current_app.config
    prepared = engine.prepare_import(session, spec=spec, instrument=job.instrument_key, region=region, user=user,
                                     data=job.payload, filename=given.get("filename", ""), config=config,
                                     hidden=given.get("hidden"), rows_seen=_Counter(progress).wrap)
    progress.report(rows_read=prepared.row_count, rows_validated=prepared.row_count)
    notice = None
    if prepared.ok and prepared.hidden_rows:
        notice = hidden_notice(prepared.hidden_rows, hidden_choice(given.get("hidden"), spec))
    staged = engine.stage_prepared(session, prepared, user=user, region=region, instrument=job.instrument_key,
                                   data=job.payload, minutes=config["EXCEL_STAGE_MINUTES"],
                                   mark_max_rows=config["EXCEL_MARK_MAX_ROWS"])
    return {"result_token": staged.token, "message": notice}


@handler(CONFIRM)
def confirm(session, job, progress) -> dict:
    """Write a staged import in one transaction (engine.commit_staged): all of it, or nothing."""
    spec, region, user = _context(session, job)
    try:
        staged = stage.load(session, options(job)["staged"], user_id=user.id, region_id=region.id,
                            instrument=job.instrument_key, spec=spec)
    except (stage.StagedNotFound, stage.StagedExpired):
        raise JobFailed(_("Deze upload is verlopen en niet opgeslagen. Upload het bestand opnieuw.")) from None
    if staged.state != STATE_READY:
        raise JobFailed(_("Deze upload bevat fouten en kan niet worden opgeslagen."))
    rows = staged.new_count + staged.changed_count + staged.unchanged_count
    progress.report(rows_read=rows, rows_validated=rows)
    # The job is marked done in the confirm's own transaction (commit_staged flushes it with the rows):
    # whatever happens to the worker, "done" and the data are stored together or not at all.
    job.state, job.finished_at, job.payload = DONE, utcnow(), None
    job.rows_written = staged.new_count + staged.changed_count
    job.message = saved_message(staged.new_count, staged.changed_count, staged.unchanged_count)
    try:
        engine.commit_staged(session, staged, spec=spec, instrument=job.instrument_key, region=region, user=user)
    except (engine.StaleImport, engine.PermissionChanged) as exc:
        session.rollback()
        raise JobFailed(str(exc)) from None
    return {"rows_written": job.rows_written, "message": job.message}


def saved_message(new: int, changed: int, unchanged: int) -> str:
    """What the sheet page says after a confirm (in the request or as a job)."""
    return _("Opgeslagen: %(new)s nieuw, %(changed)s gewijzigd, %(unchanged)s ongewijzigd.", new=number(new),
             changed=number(changed), unchanged=number(unchanged))


@handler(EXPORT)
def export(session, job, progress) -> dict:
    """What the owner may see of the sheet in the region, as a workbook kept on the job."""
    spec, region, user = _context(session, job)
    out = io.BytesIO()
    rows = engine.export_sheet(session, spec=spec, instrument=job.instrument_key, region=region, user=user, out=out)
    return {"result": out.getvalue(), "rows_read": rows, "rows_written": rows}
