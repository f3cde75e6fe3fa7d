"""Pages of the stagepact instrument, mounted by the core at /regio/<region>/stagepact/."""
from __future__ import annotations

from flask import Blueprint, render_template

from core.plugin_api import authorize, current_region

bp = Blueprint("stagepact", __name__, template_folder="templates")


@bp.route("/")
def index():
    region = authorize("stagepact.view", current_region())
    return render_template("stagepact/index.html", region=region)
