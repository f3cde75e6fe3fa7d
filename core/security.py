"""Request-wide safety nets: sign-in required, authorization enforced, security headers."""
from __future__ import annotations

from flask import Flask, current_app, g, redirect, request, url_for
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


def install(app: Flask) -> None:
    """Require sign-in for non-public views, insist on an authorization call, add headers."""

    @app.before_request
    def require_login():
        if is_public_endpoint(current_app, request.endpoint):
            return None
        if request.endpoint is None:
            return None  # 404/405 handled by Flask
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
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
        if current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
