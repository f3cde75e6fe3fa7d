"""/landelijk/: the national overview for the ministry and platform admins, and each section as .xlsx."""
from __future__ import annotations

import io
import re

from flask import Blueprint, abort, current_app, render_template, send_file
from flask_login import current_user

from core.authz import authorize, may
from core.excel.table_export import write_table

bp = Blueprint("landelijk", __name__, url_prefix="/landelijk")


def national_sections(user) -> list[dict]:
    """(instrument key, section) of every instrument, minus sections the reader may not see, in instrument order."""
    registry = current_app.extensions["regioplatform"]
    entries = registry.entries
    found = []
    for entry in registry.ordered():
        for key, section in registry.for_region({entry.key}).call("national_overview", user=user):
            if not section.permission or may(user, section.permission):
                found.append((key, section))
    found.sort(key=lambda pair: (entries[pair[0]].info.order, pair[1].order))
    return [{"key": key, "index": i, "section": section}
            for key, group in _grouped(found) for i, section in enumerate(group)]


def _grouped(found):
    groups: dict[str, list] = {}
    for key, section in found:
        groups.setdefault(key, []).append(section)
    return groups.items()


@bp.route("/")
def overview():
    authorize("national.view")
    sections = []
    for item in national_sections(current_user):
        section = item["section"]
        sections.append({**item, "title": str(section.title), "template": section.template,
                         "context": section.context(), "table": section.table()})
    return render_template("national/overview.html", sections=sections)


@bp.route("/<key>-<int:index>.xlsx")
def export(key: str, index: int):
    authorize("national.view")
    chosen = [item for item in national_sections(current_user) if item["key"] == key and item["index"] == index]
    if not chosen:
        abort(404)
    section = chosen[0]["section"]
    title = str(section.title)
    out = io.BytesIO()
    write_table(out, title, section.table())
    out.seek(0)
    name = re.sub(r"[^a-z0-9]+", "-", f"landelijk {key} {title}".lower()).strip("-")
    return send_file(out, as_attachment=True, download_name=f"{name}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
