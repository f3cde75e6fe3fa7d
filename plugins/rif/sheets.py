"""The Excel sheet "cofinanciering": one row per application and partner.

Rows belong to the application's penvoerder (column "Penvoerder", the row's
organisation): the core's engine lets the penvoerder's editors import rows of
their own applications and shows coordinators every row of their region.

What a row may change follows the workflow (plugins/rif/rules.py): pledges and
new partners only while the application is a concept; delivered amounts only
while the subsidy is granted (DELIVERY_STATES), as in the midterm form. The
rules read the stored application and line, so the engine runs them again
when a previewed import is confirmed (the state may have changed in between);
they lock the application row, which the workflow's transitions lock too.
"""
from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import select

from core.plugin_api import N_, Column, Kind, RowRule, SheetSpec, _, db_session, lazy_gettext
from core.plugin_api import euro as reader_euro

from .models import Application, Partner
from .rules import ASSESSING, CONCEPT, DELIVERY_STATES, REJECTED, STATUS_PHRASES, SUBMITTED, euro, share

MONEY = dict(kind=Kind.DECIMAL, minimum=0, maximum=9_999_999_999, places=2)
PLEDGES = ("pledged_cash", "pledged_in_kind")
DELIVERIES = ("delivered_cash", "delivered_in_kind")
BEFORE_DELIVERY = (CONCEPT, SUBMITTED, ASSESSING)
# Written on the workbook's "Toelichting" sheet: part of the file format, so Dutch in every language (like the
# headers and help texts below); marked with N_ so the sheet's page shows them in the reader's language. The
# rules' messages below are reported with their cell by the core's import, in the language of whoever
# uploads, like its own cell messages.
DESCRIPTION = N_("Toegezegde en geleverde cofinanciering per aanvraag en partner, in euro met twee decimalen. "
                 "Een penvoerder vult hier halverwege het project de geleverde bijdragen in.")


def _application(reference, *, lock=False):
    """The application with this reference. `lock`: take its row lock (PostgreSQL) until the commit, so a
    workflow transition (which takes the same lock) cannot slip between this check and the write."""
    stmt = select(Application).where(Application.reference == reference)
    if lock:
        stmt = stmt.with_for_update(of=Application).execution_options(populate_existing=True)
    return db_session().scalar(stmt)


def _application_matches(values, labels, context):
    """The reference must be an application of the region imported into, with this penvoerder."""
    reference = values["application_ref"]
    application = _application(reference)
    if application is None or application.region_id != context.region.id:
        return _("aanvraag %(reference)s bestaat niet in deze regio", reference=reference)
    if application.organisation_id != values["organisation_id"]:
        return _("aanvraag %(reference)s heeft een andere penvoerder (%(lead)s)", reference=reference,
                 lead=application.organisation.identifier)
    return None


def _own_application(values, context):
    """The row's application when it is one of this region and penvoerder (locked); None otherwise, and
    then _application_matches reports the row (nothing about another region's application leaks)."""
    application = _application(values["application_ref"], lock=True)
    if application is None or application.region_id != context.region.id:
        return None
    if application.organisation_id != values.get("organisation_id"):
        return None
    return application


def _stored_line(application, partner_id):
    return db_session().scalar(select(Partner).where(
        Partner.region_id == application.region_id, Partner.application_ref == application.reference,
        Partner.partner_id == partner_id))


def _pledges_only_in_concept(values, labels, context):
    """A new partner line can only be added while the application is a concept."""
    application = _own_application(values, context)
    if application is None or application.status == CONCEPT:
        return None
    if _stored_line(application, values["partner_id"]) is None:
        return _("aanvraag %(reference)s %(status)s; een nieuwe partner kan alleen in een concept worden "
                 "toegevoegd", reference=application.reference, status=STATUS_PHRASES[application.status])
    return None


def _amount(value) -> str:
    """An amount in a message: `€ 1.234,56` in Dutch (as the workflow writes it), else the reader's way."""
    if value is None:
        return _("leeg")
    locale = get_locale()
    return euro(value) if locale is None or str(locale) == "nl" else reader_euro(value)


def _pledge_unchanged_after_concept(key):
    """Once submitted, the pledges are what was assessed and granted: they cannot change any more."""

    def check(values, labels, context):
        application = _own_application(values, context)
        if application is None or application.status == CONCEPT:
            return None
        line = _stored_line(application, values["partner_id"])
        if line is None:  # a new line: _pledges_only_in_concept reports it on the partner's cell
            return None
        old, new = getattr(line, key), values[key]
        if new == old:
            return None
        return _("toegezegd bedrag kan niet meer wijzigen: aanvraag %(reference)s %(status)s (opgeslagen %(old)s, "
                 "in het bestand %(new)s)", reference=application.reference,
                 status=STATUS_PHRASES[application.status], old=_amount(old), new=_amount(new))

    return RowRule(key, check, needs=("application_ref", "organisation_id", "partner_id", key))


def _delivery_only_when_granted(key):
    """Delivered amounts are filled in while the subsidy is granted, as in the midterm form."""

    def check(values, labels, context):
        application = _own_application(values, context)
        if application is None or application.status in DELIVERY_STATES:
            return None
        line = _stored_line(application, values["partner_id"])
        if line is None and application.status != CONCEPT:
            return None  # a new line after the concept: reported on the partner's cell
        old, new = (getattr(line, key) if line is not None else None), values.get(key)
        if new == old:
            return None
        where = dict(reference=application.reference, status=STATUS_PHRASES[application.status],
                     old=_amount(old), new=_amount(new))
        if application.status in BEFORE_DELIVERY:
            return _("geleverd bedrag kan pas worden ingevuld als de subsidie is toegekend: aanvraag %(reference)s "
                     "%(status)s (opgeslagen %(old)s, in het bestand %(new)s)", **where)
        if application.status == REJECTED:
            return _("geleverd bedrag kan niet worden ingevuld: aanvraag %(reference)s %(status)s (opgeslagen "
                     "%(old)s, in het bestand %(new)s)", **where)
        return _("geleverd bedrag kan niet meer wijzigen: aanvraag %(reference)s %(status)s (opgeslagen %(old)s, "
                 "in het bestand %(new)s)", **where)

    # not `needs` the column itself: emptying a delivered cell is a change too
    return RowRule(key, check, needs=("application_ref", "organisation_id", "partner_id"))


def _delivered_rate(row):
    pledged = (row.get("pledged_cash") or 0) + (row.get("pledged_in_kind") or 0)
    if not pledged or (row.get("delivered_cash") is None and row.get("delivered_in_kind") is None):
        return None
    delivered = (row.get("delivered_cash") or 0) + (row.get("delivered_in_kind") or 0)
    return share(delivered, pledged)


def cofinancing_sheet() -> SheetSpec:
    return SheetSpec(
        name="cofinanciering",
        title="Cofinanciering",
        model=Partner,
        permission="rif.cofinance",
        view_permission="rif.view",
        description=DESCRIPTION,
        row_noun=lazy_gettext("cofinanciering"),
        columns=(
            Column("application_ref", "Aanvraag", help=N_("Het kenmerk van de aanvraag, zoals RIF-MC19-0001.")),
            Column("organisation_id", "Penvoerder", Kind.ORGANISATION,
                   help=N_("BRIN-code van de mbo-instelling die de aanvraag indient.")),
            Column("partner_id", "Partner", Kind.ORGANISATION,
                   help=N_("Code van de partner: BRIN, KvK-nummer of CBS-code (GM0344).")),
            Column("pledged_cash", "Toegezegd in geld", **MONEY,
                   help=N_("Te wijzigen zolang de aanvraag een concept is; daarna staat de toezegging vast.")),
            Column("pledged_in_kind", "Toegezegd in natura", **MONEY,
                   help=N_("Waarde van uren, apparatuur of locaties, in euro. Te wijzigen zolang de aanvraag "
                           "een concept is; daarna staat de toezegging vast.")),
            Column("delivered_cash", "Geleverd in geld", required=False, **MONEY,
                   help=N_("In te vullen bij de tussentijdse verantwoording, zolang de subsidie is toegekend.")),
            Column("delivered_in_kind", "Geleverd in natura", required=False, **MONEY,
                   help=N_("In te vullen bij de tussentijdse verantwoording, zolang de subsidie is toegekend.")),
            Column("delivered_rate", "Geleverd (% van toezegging)", Kind.DECIMAL, required=False,
                   computed=_delivered_rate),
        ),
        natural_key=("application_ref", "partner_id"),
        rules=(RowRule("application_ref", _application_matches, needs=("application_ref", "organisation_id")),
               RowRule("partner_id", _pledges_only_in_concept,
                       needs=("application_ref", "organisation_id", "partner_id")),
               *(_pledge_unchanged_after_concept(key) for key in PLEDGES),
               *(_delivery_only_when_granted(key) for key in DELIVERIES)),
    )
