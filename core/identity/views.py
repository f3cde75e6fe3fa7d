"""Sign in (password, then a second factor when the user has one) and sign out.

Every attempt is counted (per account and per address; the second step per
user) before any password or code is checked (core/identity/throttle.py). Signing in always starts a new session: the old
cookie's contents are dropped and a new server-side session row is made
(core/identity/sessions.py).
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (Blueprint, abort, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from core.db import db_session
from core.identity import sessions, twofactor
from core.identity.throttle import count_attempt
from core.identity.forms import LoginForm, SecondFactorForm
from core.identity.models import User
from core.identity.passwords import check_password
from core.security import public

PENDING_KEY = "_2fa_pending"
PENDING_SECONDS = 300  # the second step must follow the password within five minutes


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def complete_login(user, next_url: str | None):
    """A new session for `user`: nothing of the old cookie survives."""
    session.clear()
    login_user(user)
    sessions.start_session(user)
    return redirect(_safe_next(next_url))


def make_auth_blueprint() -> Blueprint:
    """Build the sign-in blueprint (one per app)."""
    bp = Blueprint("auth", __name__)

    @public
    def login():
        if current_user.is_authenticated:
            return redirect(url_for("home.index"))
        form = LoginForm()
        if form.validate_on_submit():
            email = form.email.data.strip().lower()
            attempt = count_attempt(("login-address", request.remote_addr or ""), ("login-account", email))
            if not attempt.allowed:
                abort(429)
            user = db_session().scalar(select(User).where(func.lower(User.email) == email))
            candidate = user if user is not None and user.active else None
            if check_password(candidate, form.password.data):
                attempt.succeeded()
                db_session().commit()  # keeps a rehashed password
                if twofactor.has_two_factor(db_session(), candidate):
                    session.clear()  # the half-signed-in state gives no access
                    session[PENDING_KEY] = {"u": candidate.id, "t": int(time.time()),
                                            "v": candidate.session_version,
                                            "n": _safe_next(request.args.get("next"))}
                    return redirect(url_for("auth.two_factor"))
                return complete_login(candidate, request.args.get("next"))
            form.password.errors.append(_("Onbekende combinatie van e-mailadres en wachtwoord."))
            return render_template("core/login.html", form=form), 200
        return render_template("core/login.html", form=form)

    bp.add_url_rule("/inloggen", view_func=login, methods=["GET", "POST"])

    @public
    def two_factor():
        pending = session.get(PENDING_KEY)
        if not pending or time.time() - pending.get("t", 0) > PENDING_SECONDS:
            session.pop(PENDING_KEY, None)
            flash(_("Log opnieuw in: de tweede stap moet binnen vijf minuten volgen."))
            return redirect(url_for("auth.login"))
        user = db_session().get(User, pending["u"])
        if user is None or not user.active or user.session_version != pending.get("v"):
            session.pop(PENDING_KEY, None)
            return redirect(url_for("auth.login"))
        form = SecondFactorForm()
        if form.validate_on_submit():
            attempt = count_attempt(("second-factor", str(user.id)))
            if not attempt.allowed:
                abort(429)
            if twofactor.verify_second_factor(db_session(), user, form.code.data):
                db_session().commit()  # the code's step, or the recovery code, is used up
                attempt.succeeded()
                return complete_login(user, pending.get("n"))
            db_session().rollback()
            form.code.errors.append(_("Deze code klopt niet, is verlopen of is al gebruikt."))
            return render_template("core/login_code.html", form=form), 200
        return render_template("core/login_code.html", form=form)

    bp.add_url_rule("/inloggen/code", view_func=two_factor, methods=["GET", "POST"])

    @public
    def logout():
        if request.method == "POST":
            if current_user.is_authenticated:
                sessions.end_current(current_user)
                db_session().commit()
            logout_user()
            session.clear()
            flash(_("U bent uitgelogd."))
        return redirect(url_for("auth.login"))

    bp.add_url_rule("/uitloggen", view_func=logout, methods=["POST"])
    return bp
