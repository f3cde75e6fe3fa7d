"""What the kwaliteitsagenda pages share: the agenda of this region, the period shown, the settings."""
from __future__ import annotations

from flask import abort, request

from core.plugin_api import authorize, current_region, current_user, db_session, instrument_settings, may

from ..models import Agenda

KEY = "kwaliteitsagenda"


def load_agenda(agenda_id: int, action: str = "kwaliteitsagenda.view") -> Agenda:
    """The agenda with `agenda_id` in the current region, authorized for viewing and, on a POST, for `action`
    (404 elsewhere). A GET of a form page is read-only for whoever may only view: it shows the form to those
    who may act (`may_act`)."""
    region = current_region()
    agenda = db_session().get(Agenda, agenda_id)
    if agenda is None or agenda.region_id != region.id:
        abort(404)
    authorize("kwaliteitsagenda.view", agenda)
    if action != "kwaliteitsagenda.view" and request.method == "POST":
        authorize(action, agenda)
    return agenda


def settings_of(region):
    return instrument_settings(region, KEY)


def shown_period(region) -> str | None:
    """The period the dashboard shows: ?periode= when it is one of the region's, else the latest."""
    periods = list(settings_of(region).periods)
    wanted = request.args.get("periode")
    if wanted in periods:
        return wanted
    return periods[0] if periods else None


def may_act(action: str, obj) -> bool:
    """Whether the signed-in user may do `action` on `obj` (the form is shown only then)."""
    return may(current_user, action, obj)
