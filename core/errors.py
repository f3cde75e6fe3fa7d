"""Error pages without stack traces, in the reader's language (Dutch by default)."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

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
}


def install(app: Flask) -> None:
    """Render every HTTP error (unhandled exceptions arrive as 500) as a page in the reader's language."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        title, text = MESSAGES.get(code, (exc.name, exc.description or ""))
        return render_template("core/error.html", code=code, title=str(title), text=str(text)), code

