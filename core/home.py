"""The start page: the regions the signed-in user may see."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from core.authz import scoped
from core.db import db_session
from core.regions.models import Region
from core.security import public

bp = Blueprint("home", __name__)


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
