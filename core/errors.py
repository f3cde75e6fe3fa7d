"""Error pages without stack traces, in the reader's language (Dutch by default).

An unreachable database (SQLAlchemy's OperationalError or InterfaceError,
raised when a connection cannot be made or is lost) answers 503 with
Retry-After, and so does a server whose database schema is behind its code.
Those pages, and any error page whose normal rendering fails, are rendered
from a static layout that touches neither the database nor the signed-in
user: nothing of the request's state is trusted any more.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

log = logging.getLogger("regioplatform.errors")

RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: (_l("Ongeldig verzoek"), _l("Het formulier of verzoek kon niet worden verwerkt. Laad de pagina opnieuw en "
                                     "probeer het nog eens.")),
    401: (_l("Niet ingelogd"), _l("Log in om deze pagina te bekijken.")),
    403: (_l("Geen toegang"), _l("U hebt niet de rol die nodig is voor deze actie.")),
    404: (_l("Niet gevonden"), _l("Deze pagina bestaat niet, of u hebt er geen toegang toe.")),
    405: (_l("Niet toegestaan"), _l("Deze handeling is hier niet mogelijk.")),
    413: (_l("Bestand te groot"), _l("Het bestand is groter dan toegestaan.")),
    429: (_l("Te veel pogingen"), _l("U hebt het te vaak geprobeerd. Wacht een kwartier en probeer het opnieuw.")),
    500: (_l("Er ging iets mis"), _l("Er is een fout opgetreden. Probeer het later opnieuw.")),
    503: (_l("Tijdelijk niet beschikbaar"), _l("Het platform is tijdelijk niet bereikbaar. Er is niets van u verloren "
                                               "gegaan wat al was opgeslagen; probeer het over een halve minuut "
                                               "opnieuw.")),
}
SCHEMA_BEHIND = (_l("Het platform wordt bijgewerkt"),
                 _l("Er wordt een nieuwe versie geïnstalleerd. Probeer het over een halve minuut opnieuw."))


class SchemaBehind(ServiceUnavailable):
    """This server's code is newer than the database schema (`regio db upgrade` has not run yet)."""


def _forget_request_state() -> None:
    """After a database failure: an anonymous reader, no region, a discarded session (no queries, no writes)."""
    g._login_user = AnonymousUserMixin()  # Flask-Login: current_user without the user loader
    g.pop("region", None)
    session = g.get("db_session")
    if session is not None:
        try:
            session.invalidate()
        except Exception:  # the connection is gone already
            pass


def static_page(code: int, title, text):
    """The error page from a layout that reads only the request (language cookie) and the static files."""
    from core.i18n import current_language

    _forget_request_state()
    template = current_app.jinja_env.get_template("core/error_static.html")
    html = template.render(code=code, title=str(title), text=str(text), current_language=current_language())
    response = current_app.response_class(html, status=code, mimetype="text/html")
    if code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _page(code: int, title, text):
    try:
        return render_template("core/error.html", code=code, title=str(title), text=str(text)), code
    except Exception:  # the layout needs the database (the signed-in user), which just failed
        log.exception("error page %s rendered from the static layout", code)
        return static_page(code, title, text)


def install(app: Flask) -> None:
    """Render every HTTP error (unhandled exceptions arrive as 500) as a page in the reader's language."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        original = getattr(exc, "original_exception", None)
        if isinstance(original, (OperationalError, InterfaceError)):
            return database_unavailable(original)
        if isinstance(exc, SchemaBehind):
            return static_page(503, *SCHEMA_BEHIND)
        if request.path == "/api" or request.path.startswith("/api/"):  # a system reads problem+json, not a page
            from core.api.problems import from_http_exception

            return from_http_exception(exc)
        title, text = MESSAGES.get(code, (exc.name, exc.description or ""))
        return _page(code, title, text)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc):
        log.error("database unavailable: %s", type(getattr(exc, "orig", None) or exc).__name__)
        return static_page(503, *MESSAGES[503])
