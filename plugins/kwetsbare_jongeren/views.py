"""Pages of the kwetsbare_jongeren instrument, mounted by the core at /regio/<region>/kwetsbare_jongeren/."""
from __future__ import annotations

from flask import Blueprint, render_template

from core.plugin_api import authorize, current_region

bp = Blueprint("kwetsbare_jongeren", __name__, template_folder="templates")


@bp.route("/")
def index():
    region = authorize("kwetsbare_jongeren.view", current_region())
    return render_template("kwetsbare_jongeren/index.html", region=region)
