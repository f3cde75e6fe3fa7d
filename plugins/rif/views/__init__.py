"""Pages of the rif instrument, mounted by the core at /regio/<region>/rif/; one module per page family.

    applications  GET /  (list), GET POST /nieuw, GET POST /<id>/bewerken, GET /<id>,
                  POST /<id>/begroting, POST /<id>/partners, POST /<id>/verwijderen
    workflow      POST /<id>/status, POST /<id>/beoordeling, POST /<id>/verantwoording
    decision      POST /<id>/besluit  (the ministry grants or refuses)
    documents     POST /<id>/bijlagen, GET /<id>/bijlagen/<attachment>  (checked PDF/.xlsx, downloads only)
    applications  also GET /<id>/stap/<step>: the application form's steps (Start ... Verzenden)
    cooperation   POST /<id>/overeenkomst  (the samenwerkingsovereenkomst)
    assessors     GET POST /beoordelaars
    overview      GET /overzicht, GET /landelijk; widget_summary for the dashboard card
    common        what they share (the application page, the settings, the money figures)
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rif", __name__, template_folder="../templates")

from . import applications, assessors, cooperation, decision, documents, overview, workflow  # noqa: E402,F401  (register the routes)
from .overview import widget_summary  # noqa: E402,F401  (the dashboard card, see hooks.py)
