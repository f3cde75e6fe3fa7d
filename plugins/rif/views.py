"""Pages of the rif instrument, mounted by the core at /regio/<region>/rif/."""
from __future__ import annotations

from flask import Blueprint, render_template

from core.plugin_api import authorize, current_region

bp = Blueprint("rif", __name__, template_folder="templates")


@bp.route("/")
def index():
    region = authorize("rif.view", current_region())
    return render_template("rif/index.html", region=region)
