"""The vsv dates for the region calendar: each school year's deadline, after which its figures lock."""
from __future__ import annotations

from core.plugin_api import Deadline, Region, lazy_gettext

from .settings import VsvSettings

KEY = "vsv"
REPORTING_KINDS = ("gemeente", "rmc")  # municipalities report; the RMC reports for all of them (region-wide)


def deadlines(region: Region) -> list[Deadline]:
    """One report deadline per school year in [instruments.vsv] deadlines (and the default deadline)."""
    settings = VsvSettings.from_json(region.settings_for(KEY))
    kinds = REPORTING_KINDS + (("mbo",) if settings.institution_reporting else ())
    organisations = {m.organisation_id for m in region.members if m.organisation.kind in kinds or m.is_coordinator}
    out = [Deadline(kind="report", date=day, ref=f"figures:{year}", organisations=organisations,
                    roles={"editor", "admin"}, link="regio.vsv.report", link_args={"schooljaar": year}, locks=True,
                    title=lazy_gettext("Vsv-cijfers schooljaar %(year)s", year=year),
                    detail=lazy_gettext("Na deze dag zijn de cijfers van %(year)s vergrendeld.", year=year))
           for year, day in settings.deadlines.items()]
    if settings.deadline is not None:
        out.append(Deadline(kind="report", date=settings.deadline, ref="figures:default", organisations=organisations,
                            roles={"editor", "admin"}, link="regio.vsv.report", locks=True,
                            title=lazy_gettext("Vsv-cijfers (schooljaren zonder eigen deadline)")))
    return out
