"""The application's attachments (step Documenten): uploading a checked PDF or .xlsx, and downloading it.

A download is always an attachment (Content-Disposition: attachment) with X-Content-Type-Options: nosniff,
never shown inline: an uploaded file never runs in the platform's pages."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, send_file, url_for
from werkzeug.utils import secure_filename

from core.plugin_api import _, current_user, db_session

from ..access import load_application
from ..forms import ATTACHMENT_KINDS, AttachmentForm, check_attachment
from ..models import Attachment
from . import bp
from .applications import _editable
from .common import _settings, _show


def attachment_form(formdata=True) -> AttachmentForm:
    form = AttachmentForm() if formdata is True else AttachmentForm(formdata=None)
    form.attachment_kind.choices = list(ATTACHMENT_KINDS.items())
    return form


@bp.route("/<int:rif_application_id>/bijlagen", methods=["POST"])
def upload(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = attachment_form()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        name = secure_filename(storage.filename) or "bijlage"
        content_type, problem = check_attachment(storage.filename, data, _settings().attachment_max_mb)
        if problem is None:
            application.attachments.append(Attachment(
                kind=form.attachment_kind.data, filename=name[:200], content_type=content_type, size=len(data), content=data,
                uploaded_by=current_user.email))
            db_session().commit()
            flash(_("%(name)s is bijgevoegd.", name=name))
            return redirect(url_for(".step", rif_application_id=application.id, stap="documenten"), 303)
        form.file.errors.append(problem)
    return _show(application, attachment_form=form, step="documenten", status=400)


@bp.route("/<int:rif_application_id>/bijlagen/<int:attachment_id>")
def download(rif_application_id, attachment_id):
    application = load_application(rif_application_id)
    found = next((a for a in application.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    response = send_file(io.BytesIO(found.content), mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
