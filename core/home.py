"""Site-wide pages: the start page (the regions the signed-in user may see), the accessibility
statement, the language switch and /gezondheid (an alias of core/operations/views.py's /readyz)."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.authz import scoped
from core.db import db_session
from core.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from core.regions.models import Region
from core.security import enrol_first, must_enrol, public

bp = Blueprint("home", __name__)
language_bp = Blueprint("taal", __name__)

# The last full check behind the accessibility statement (tests/browser); update both with a new check.
ACCESSIBILITY_TESTED_ON = date(2026, 11, 25)
AXE_VERSION = "4.12"


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if must_enrol(current_user):  # public for the sign-in redirect, so the enrolment gate did not run
        return enrol_first()
    from core.deadlines.tasks import ended_memberships, tasks_for
    from core.identity.models import today as netherlands_today

    # One statement: the list shows each region's instruments, not its members.
    regions = db_session().scalars(scoped(select(Region).order_by(Region.name), "region.view").options(
        joinedload(Region.instruments), lazyload(Region.members))).unique().all()
    today = netherlands_today()
    return render_template("core/home.html", regions=regions, today=today,
                           tasks=tasks_for(current_user, today, current_app.config["MANDATE_WARNING_DAYS"]),
                           ended=ended_memberships(current_user, today))


@bp.route("/gezondheid")
@public
def health():
    """The older health URL, kept for existing monitors: the same answer as /readyz."""
    from core.operations.views import readyz

    return readyz()


@bp.route("/toegankelijkheid")
@public
def accessibility():
    """The accessibility statement: what was tested, how and when, and what does not meet WCAG yet."""
    return render_template("core/accessibility.html", tested_on=ACCESSIBILITY_TESTED_ON, axe_version=AXE_VERSION)


@bp.route("/privacy")
@public
def privacy():
    """The privacy statement: which personal data the platform keeps, why, for how long, and the person's rights."""
    config = current_app.config
    return render_template("core/privacy.html", security_days=config["RETENTION_SECURITY_EVENTS_DAYS"],
                           mail_days=config["RETENTION_MAIL_DAYS"], idle_minutes=config["SESSION_IDLE_MINUTES"],
                           absolute_hours=config["SESSION_ABSOLUTE_MINUTES"] // 60)


# --- the language switch ---------------------------------------------------------------

def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no `//`) is a place to go back to."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@language_bp.route("/taal", methods=["POST"])
@public
def switch():
    """Remember the chosen language in a cookie and go back to the page the user was on."""
    response = redirect(_safe_next(request.form.get("next")))
    language = request.form.get("taal", "")
    if language in LANGUAGES:
        if current_user.is_authenticated and current_user.language != language:
            current_user.language = language  # e-mail sent outside a request (reminders) follows this choice
            db_session().commit()
        response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True)
    return response
