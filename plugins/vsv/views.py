"""Pages of the vsv instrument, mounted by the core at /regio/<region>/vsv/."""
from __future__ import annotations

from flask import Blueprint, render_template

from core.plugin_api import authorize, current_region

bp = Blueprint("vsv", __name__, template_folder="templates")


@bp.route("/")
def index():
    region = authorize("vsv.view", current_region())
    return render_template("vsv/index.html", region=region)
