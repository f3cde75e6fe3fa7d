"""Request-wide safety nets: sign-in required, two-factor where required, authorization enforced,
security headers, no caching of what a signed-in user sees."""
from __future__ import annotations

from flask import Flask, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

PUBLIC_ATTR = "_regio_public"


def public(view):
    """Mark a view as reachable without signing in and without an authorization call."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, PUBLIC_ATTR, False))


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Where a user who must have two-factor but has not enrolled yet may go: enrolment and leaving.
ENROLMENT_ENDPOINTS = frozenset({"account.security", "account.two_factor_setup", "account.change_password",
                                 "account.logout_everywhere", "auth.logout"})


def install(app: Flask) -> None:
    """Require sign-in for non-public views, insist on an authorization call, add headers."""

    @app.before_request
    def require_login():
        endpoint = request.endpoint
        if endpoint == "static" or (endpoint or "").endswith(".static"):
            return None
        # Load (and check) the signed-in user before any view writes: the session check
        # refreshes its idle clock in a transaction of its own.
        authenticated = current_user.is_authenticated
        if is_public_endpoint(current_app, endpoint):
            return None
        if endpoint is None:
            return None  # 404/405 handled by Flask
        if not authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if endpoint not in ENROLMENT_ENDPOINTS and must_enrol(current_user):
            return enrol_first()
        return None

    @app.after_request
    def enforce_authorization(response):
        endpoint = request.endpoint
        if (
            response.status_code < 400
            and not is_public_endpoint(current_app, endpoint)
            and endpoint is not None
            and current_user.is_authenticated
            and not g.get("authorized")
        ):
            current_app.logger.error("view %s answered without calling authorize()", endpoint)
            response = current_app.response_class("Interne fout: autorisatie ontbreekt", status=500)
        return response

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("ENV_NAME") == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated or not ((request.endpoint or "").endswith("static") or g.get("public_cache")):
            # Signed-in pages and downloads, and the sign-in, reset and code pages: never stored. A public page
            # that says so (g.public_cache: the region's public page, seen signed out) keeps its own lifetime.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def enrol_first():
    """Send a user who must enrol in two-factor to enrolment (a refusal: nothing of the page is shown)."""
    g.authorized = True
    flash(_("Stel eerst tweestapsverificatie in: voor uw rol is die verplicht."))
    return redirect(url_for("account.two_factor_setup"))


def must_enrol(user) -> bool:
    """True when the user's role requires two-factor and they have not enrolled yet."""
    from core.db import db_session
    from core.identity import twofactor

    if not twofactor.requires_two_factor(user):
        return False
    cached = g.get("_two_factor_enrolled")
    if cached is None:
        cached = g._two_factor_enrolled = twofactor.has_two_factor(db_session(), user)
    return not cached
