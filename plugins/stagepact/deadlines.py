"""The stagepact date for the region calendar: the report date named in the signed regional agreement."""
from __future__ import annotations

import datetime as dt

from core.plugin_api import Deadline, Region, _, agreement_in_force, lazy_gettext, long_date, may

from .agreement import TEMPLATE_KEY

KEY = "stagepact"


def report_deadline(region: Region) -> dt.date | None:
    """The report date of the stagepact agreement in force (term report_deadline), or None."""
    agreement = agreement_in_force(region, KEY, TEMPLATE_KEY)
    value = (agreement.terms.get("report_deadline") if agreement is not None else None)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def closed_school_year(deadline: dt.date) -> str:
    """The school year a report date closes: the last one that ended (on 31 July) before it."""
    end = deadline.year if deadline.month >= 8 else deadline.year - 1
    return f"{end - 1}-{end}"


def lock_problem(region: Region, school_year: str, user, today: dt.date) -> str | None:
    """Why `user` may no longer write a report on `school_year` (the report date has passed and closed that
    year), or None. The region's coordinators may still correct it, as with the vsv deadline."""
    day = report_deadline(region)
    if day is None or today <= day or school_year > closed_school_year(day):
        return None
    if may(user, "consortium.manage", region):
        return None
    return _("De rapportages over %(year)s zijn vergrendeld sinds de rapportagedatum van %(date)s uit de "
             "regionale afspraak; alleen de coördinator van de regio kan ze nog wijzigen.", year=school_year,
             date=long_date(day))


def deadlines(region: Region) -> list[Deadline]:
    """The report date, for the editors of the region's mbo institutions (and its coordinators)."""
    day = report_deadline(region)
    if day is None:
        return []
    year = closed_school_year(day)
    organisations = {m.organisation_id for m in region.members if m.organisation.kind == "mbo" or m.is_coordinator}
    return [Deadline(kind="report", date=day, ref=f"report:{day.isoformat()}", organisations=organisations,
                     roles={"editor", "admin"}, link="regio.stagepact.new", locks=True,
                     title=lazy_gettext("Stagepactrapportage schooljaar %(year)s", year=year),
                     detail=lazy_gettext("Datum uit de ondertekende regionale afspraak; daarna is de rapportage "
                                         "over %(year)s vergrendeld.", year=year))]
