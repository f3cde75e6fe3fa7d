"""Pages of the kwaliteitsagenda instrument, mounted by the core at /regio/<region>/kwaliteitsagenda/.

    agendas      GET / (region dashboard), GET POST /agenda/nieuw, GET /agenda/<id> (the institution's
                 dashboard), GET POST /agenda/<id>/doel/nieuw, GET POST /agenda/<id>/doel/<goal id>
    consultation GET POST /agenda/<id>/uitnodigen, GET POST /reactie/<id>, GET POST /agenda/<id>/instemming,
                 POST /agenda/<id>/ondertekening (the core agreement, only with consent recorded)
    assessment   GET POST /agenda/<id>/beoordeling (the platform's assessors: the commission)
    progress     GET POST /agenda/<id>/realisatie (the yearly realisation per goal; Excel: the core's sheet page)
    common       loading an agenda of the region and the period shown
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kwaliteitsagenda", __name__, template_folder="../templates")

from . import agendas, assessment, consultation, progress  # noqa: E402,F401  (register the routes)
