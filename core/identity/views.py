"""Sign in and sign out, throttled per account and per address before any hashing."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from core.db import db_session
from core.identity.forms import LoginForm
from core.identity.models import User
from core.identity.passwords import check_password
from core.security import public


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def make_auth_blueprint(limiter: Limiter) -> Blueprint:
    """Build the sign-in blueprint with this app's limiter (one per app)."""
    bp = Blueprint("auth", __name__)
    limit = current_app.config["LOGIN_LIMIT"]

    @public
    @limiter.limit(limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed, scope="login-address")
    @limiter.limit(limit, key_func=_account_key, methods=["POST"], deduct_when=_failed, scope="login-account")
    def login():
        if current_user.is_authenticated:
            return redirect(url_for("home.index"))
        form = LoginForm()
        if form.validate_on_submit():
            email = form.email.data.strip().lower()
            user = db_session().scalar(select(User).where(func.lower(User.email) == email))
            candidate = user if user is not None and user.active else None
            if check_password(candidate, form.password.data):
                db_session().commit()  # keeps a rehashed password
                session.clear()  # a fresh session at sign-in
                login_user(candidate)
                return redirect(_safe_next(request.args.get("next")))
            form.password.errors.append("Onbekende combinatie van e-mailadres en wachtwoord.")
            return render_template("core/login.html", form=form), 200
        return render_template("core/login.html", form=form)

    bp.add_url_rule("/inloggen", view_func=login, methods=["GET", "POST"])

    @public
    def logout():
        if request.method == "POST":
            logout_user()
            session.clear()
            flash("U bent uitgelogd.")
        return redirect(url_for("auth.login"))

    bp.add_url_rule("/uitloggen", view_func=logout, methods=["POST"])
    return bp
