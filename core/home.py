"""The start page: the regions the signed-in user may see."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from core.authz import scoped
from core.db import db_session
from core.regions.models import Region
from core.security import public

bp = Blueprint("home", __name__)

# The last full check behind the accessibility statement (tests/browser); update both with a new check.
ACCESSIBILITY_TESTED_ON = date(2026, 11, 25)
AXE_VERSION = "4.12"


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    regions = db_session().scalars(scoped(select(Region).order_by(Region.name), "region.view")).all()
    return render_template("core/home.html", regions=regions)


@bp.route("/gezondheid")
@public
def health():
    db_session().execute(select(1))
    return {"status": "ok"}


@bp.route("/toegankelijkheid")
@public
def accessibility():
    """The accessibility statement: what was tested, how and when, and what does not meet WCAG yet."""
    return render_template("core/accessibility.html", tested_on=ACCESSIBILITY_TESTED_ON, axe_version=AXE_VERSION)
