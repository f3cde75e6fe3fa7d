"""Dutch error pages without stack traces."""
from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Ongeldig verzoek", "Het formulier of verzoek kon niet worden verwerkt. Laad de pagina opnieuw en probeer het nog eens."),
    401: ("Niet ingelogd", "Log in om deze pagina te bekijken."),
    403: ("Geen toegang", "U hebt niet de rol die nodig is voor deze actie."),
    404: ("Niet gevonden", "Deze pagina bestaat niet, of u hebt er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling is hier niet mogelijk."),
    413: ("Bestand te groot", "Het bestand is groter dan toegestaan."),
    429: ("Te veel pogingen", "U hebt het te vaak geprobeerd. Wacht een kwartier en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er is een fout opgetreden. Probeer het later opnieuw."),
}


def install(app: Flask) -> None:
    """Render every HTTP error (unhandled exceptions arrive as 500) as a Dutch page."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        title, text = MESSAGES.get(code, (exc.name, exc.description or ""))
        return render_template("core/error.html", code=code, title=title, text=text), code

