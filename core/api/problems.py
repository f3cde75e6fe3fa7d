"""Errors of the JSON API as RFC 9457 problem details (application/problem+json), in the reader's language."""
from __future__ import annotations

from flask import Response, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.i18n import current_language

PROBLEM_TYPE = "https://regioplatform.nl/problemen/"


def titles() -> dict[int, str]:
    return {
        400: _("Ongeldig verzoek"),
        401: _("Geen geldige API-sleutel"),
        403: _("Niet toegestaan"),
        404: _("Niet gevonden"),
        405: _("Methode niet toegestaan"),
        409: _("Conflict"),
        413: _("Verzoek te groot"),
        415: _("Verkeerd inhoudstype"),
        422: _("De gegevens kloppen niet"),
        429: _("Te veel verzoeken"),
        503: _("Niet voltooid"),
    }


def details() -> dict[int, str]:
    return {
        401: _("Stuur een geldige API-sleutel mee als kop: Authorization: Bearer <sleutel>. Een ingetrokken of "
               "verlopen sleutel werkt niet."),
        403: _("Deze API-sleutel geeft geen toegang tot deze handeling."),
        404: _("Dit bestaat niet, of deze API-sleutel geeft er geen toegang toe."),
        405: _("Deze methode werkt niet op dit adres; de kop Allow noemt de methoden die wel werken."),
        413: _("Het verzoek is te groot; stuur de rijen in kleinere partijen."),
        429: _("Deze API-sleutel heeft te veel verzoeken gedaan; probeer het later opnieuw."),
    }


def problem_body(status: int, detail: str | None = None, *, slug: str | None = None, instance: str = "",
                 **extra) -> dict:
    """The problem document (RFC 9457) as a dict, also outside a request (a background job keeps it)."""
    return {"type": PROBLEM_TYPE + (slug or str(status)), "title": titles().get(status, str(status)),
            "status": status, "detail": detail or details().get(status, ""), "instance": instance, **extra}


def problem(status: int, detail: str | None = None, *, slug: str | None = None, **extra) -> Response:
    """A problem+json response; `extra` members (such as `errors`) are added as they are."""
    return problem_response(problem_body(status, detail, slug=slug, instance=request.path, **extra))


def problem_response(body: dict) -> Response:
    """A problem document as the response, with its status."""
    status = body["status"]
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="regioplatform"'
    response.headers["Content-Language"] = current_language()
    return response


def from_http_exception(error: HTTPException) -> Response:
    """An abort() in an API view, as problem details."""
    description = getattr(error, "api_detail", None)
    response = problem(error.code or 500, description)
    allowed = getattr(error, "valid_methods", None)  # a 405 says which methods the URL takes
    if allowed:
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response
