"""The kwaliteitsagenda's dates in the region calendar: the yearly realisation, the midterm and final assessment.

The dates are the region's settings (report_dates, midterm_date, final_date). They concern the region's mbo
institutions (its members, loaded with the region: no query): their editors report the realisation, their
admins prepare the assessments.
"""
from __future__ import annotations

from core.plugin_api import Deadline, Region, lazy_gettext

from .settings import KwaliteitsagendaSettings

KEY = "kwaliteitsagenda"


def deadlines(region: Region) -> list[Deadline]:
    """The region's dates, for the institutions with an agenda there."""
    settings = KwaliteitsagendaSettings.from_json(region.settings_for(KEY))
    institutions = frozenset(m.organisation_id for m in region.members if m.organisation.kind == "mbo")
    out = [Deadline(kind="report", date=day, title=lazy_gettext("Realisatie kwaliteitsagenda inleveren"),
                    ref=f"realisatie:{day.isoformat()}", organisations=institutions, roles={"editor", "admin"},
                    link="regio.kwaliteitsagenda.index") for day in settings.report_dates]
    if settings.midterm_date is not None:
        out.append(Deadline(kind="midterm", date=settings.midterm_date,
                            title=lazy_gettext("Tussentijdse beoordeling kwaliteitsagenda"),
                            ref=f"tussentijds:{settings.midterm_date.isoformat()}", organisations=institutions,
                            roles={"admin"}, link="regio.kwaliteitsagenda.index"))
    if settings.final_date is not None:
        out.append(Deadline(kind="end", date=settings.final_date,
                            title=lazy_gettext("Eindbeoordeling kwaliteitsagenda"),
                            ref=f"eind:{settings.final_date.isoformat()}", organisations=institutions,
                            roles={"admin"}, link="regio.kwaliteitsagenda.index"))
    return out
