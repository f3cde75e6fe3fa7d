"""The rif dates for the region calendar: the application deadline of the call, per submitted application
its assessment (for each appointed assessor who has not scored it) and, per granted project, its midterm
account halfway the project's runtime ("één verantwoordingsmoment halverwege de looptijd")."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.plugin_api import Deadline, Region, db_session, lazy_gettext

from .models import Application, Assessor, StatusChange
from .rules import ASSESSING, CRITERIA, DELIVERY_STATES, GRANTED, MIDTERM, SUBMITTED
from .settings import RifSettings

KEY = "rif"


def midterm_date(start: dt.date | None, end: dt.date | None) -> dt.date | None:
    """Halfway the runtime (rounded down to a day); None without both dates or with an end before the start."""
    if start is None or end is None or end < start:
        return None
    return start + (end - start) // 2


def midterm_window(application: Application, settings: RifSettings | None = None) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the midterm account: from halfway the runtime, `midterm_window_days` long."""
    opens = midterm_date(application.start, application.end)
    if opens is None:
        return None
    days = (settings or RifSettings()).midterm_window_days
    return opens, opens + dt.timedelta(days=days)


def midterm_problem(application: Application, today: dt.date, settings: RifSettings | None = None) -> str | None:
    """Why the midterm account cannot be filed today (outside its window, which opens halfway the runtime and
    closes `midterm_window_days` later), or None."""
    from core.plugin_api import _, long_date

    window = midterm_window(application, settings)
    if window is None:
        return _("Vul eerst de start- en einddatum van het project in: de tussentijdse verantwoording valt "
                 "halverwege de looptijd.")
    opens, closes = window
    if today < opens:
        return _("De tussentijdse verantwoording kan pas vanaf %(date)s worden ingediend: halverwege de looptijd "
                 "van het project (%(start)s tot %(end)s).", date=long_date(opens), start=long_date(application.start),
                 end=long_date(application.end))
    if today > closes:
        return _("De termijn voor de tussentijdse verantwoording liep van %(opens)s tot en met %(closes)s en is "
                 "voorbij; er is niets opgeslagen.", opens=long_date(opens), closes=long_date(closes))
    return None


def final_problem(application: Application, today: dt.date) -> str | None:
    """Why the final account cannot be filed today (before the project's end date), or None."""
    from core.plugin_api import _, long_date

    if application.end is None or today < application.end:
        return _("De eindverantwoording kan pas vanaf de einddatum van het project (%(date)s) worden ingediend.",
                 date=long_date(application.end) if application.end else "–")
    return None


def submission_problem(settings: RifSettings, today: dt.date) -> str | None:
    """Why an application cannot be submitted today (the call's deadline has passed), or None."""
    from core.plugin_api import _, long_date

    if settings.deadline is not None and today > settings.deadline:
        return _("De uiterste indieningsdatum van deze regio (%(date)s) is voorbij; de aanvraag kan niet meer "
                 "worden ingediend.", date=long_date(settings.deadline))
    return None


# Awaiting the assessors: submitted (to start the assessment) or being assessed (to score).
AWAITING_ASSESSMENT = (SUBMITTED, ASSESSING)
NL = ZoneInfo("Europe/Amsterdam")


def assessment_date(settings: RifSettings, application_id: int) -> dt.date | None:
    """The day the assessors must have scored an application: the region's assessment_deadline, else
    assessment_days after the call's deadline, else after the application's (last) submission (None when
    unknown: an application that came in without a recorded submission)."""
    period = dt.timedelta(days=settings.assessment_days)
    if settings.assessment_deadline is not None:
        return settings.assessment_deadline
    if settings.deadline is not None:
        return settings.deadline + period
    submitted = db_session().scalar(select(StatusChange.at).where(
        StatusChange.application_id == application_id, StatusChange.to_status == SUBMITTED)
        .order_by(StatusChange.id.desc()).limit(1))
    if submitted is None:
        return None
    if submitted.tzinfo is None:  # SQLite hands back a naive UTC time
        submitted = submitted.replace(tzinfo=dt.timezone.utc)
    return submitted.astimezone(NL).date() + period


def assessment_deadlines(region: Region, settings: RifSettings) -> list[Deadline]:
    """Per application awaiting assessment: a task for each assessor of the region who has not scored every
    criterion (an assessor of the penvoerder or a partner is excluded: a conflict of interest)."""
    session = db_session()
    assessors = set(session.scalars(select(Assessor.email).where(Assessor.region_id == region.id)))
    if not assessors:
        return []
    waiting = session.scalars(select(Application).where(
        Application.region_id == region.id, Application.status.in_(AWAITING_ASSESSMENT))
        .options(selectinload(Application.scores), selectinload(Application.partners)).order_by(Application.id))
    out = []
    for application in waiting:
        day = assessment_date(settings, application.id)
        if day is None:
            continue
        scored: dict[str, set[str]] = {}
        for score in application.scores:
            scored.setdefault((score.assessor or "").lower(), set()).add(score.criterion)
        everything = {c.key for c in CRITERIA}
        people = {email for email in assessors if not everything <= scored.get(email.lower(), set())}
        if not people:
            continue
        out.append(Deadline(kind="assess", date=day, ref=f"assess:{application.id}", people=people,
                            excluded={application.organisation_id} | {p.partner_id for p in application.partners},
                            link="regio.rif.show", link_args={"rif_application_id": application.id}, private=True,
                            title=lazy_gettext("Beoordelen %(reference)s", reference=application.reference),
                            detail=application.title))
    return out


def deadlines(region: Region) -> list[Deadline]:
    """The application deadline (for the mbo institutions' editors and signatories), the assessment of each
    submitted application (for the assessors who have not scored it) and each granted project's midterm
    account (for its penvoerder)."""
    out = []
    settings = RifSettings.from_json(region.settings_for(KEY))
    if settings.deadline is not None:
        organisations = {m.organisation_id for m in region.members if m.organisation.kind == "mbo"}
        out.append(Deadline(kind="report", date=settings.deadline, ref=f"call:{settings.deadline.isoformat()}",
                            organisations=organisations, roles={"editor", "signatory", "admin"},
                            link="regio.rif.index", locks=True,
                            title=lazy_gettext("Uiterste indieningsdatum RIF-aanvragen")))
    out.extend(assessment_deadlines(region, settings))
    running = db_session().scalars(select(Application).where(  # granted or halfway: one statement for both dates
        Application.region_id == region.id, Application.status.in_((GRANTED, MIDTERM))).order_by(Application.id))
    for application in running:
        window = midterm_window(application, settings) if application.status in DELIVERY_STATES else None
        if window is not None:
            opens, closes = window
            out.append(Deadline(kind="midterm", date=closes, ref=f"midterm:{application.id}",
                                organisations={application.organisation_id}, roles={"editor", "signatory", "admin"},
                                link="regio.rif.show", link_args={"rif_application_id": application.id},
                                title=lazy_gettext("Tussentijdse verantwoording %(reference)s",
                                                   reference=application.reference),
                                detail=lazy_gettext("Halverwege de looptijd, vanaf %(opens)s: %(title)s",
                                                    opens=opens.isoformat(), title=application.title)))
        if application.end is not None:
            out.append(Deadline(kind="end", date=application.end, ref=f"final:{application.id}",
                                organisations={application.organisation_id}, roles={"signatory", "admin"},
                                link="regio.rif.show", link_args={"rif_application_id": application.id},
                                title=lazy_gettext("Eindverantwoording %(reference)s", reference=application.reference),
                                detail=application.title))
    return out
