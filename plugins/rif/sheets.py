"""The Excel sheet "cofinanciering": one row per application and partner.

Rows belong to the application's penvoerder (column "Penvoerder", the row's
organisation): the core's engine lets the penvoerder's editors import rows of
their own applications and shows coordinators every row of their region.
"""
from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from core.plugin_api import Column, Kind, RowRule, SheetSpec, db_session

from .models import Application, Partner
from .rules import CONCEPT, STATUS_LABELS, share

MONEY = dict(kind=Kind.DECIMAL, minimum=0, maximum=9_999_999_999, places=2)


def _application_matches(values, labels):
    """The reference must be an application of this region with this penvoerder."""
    reference = values["application_ref"]
    application = db_session().scalar(select(Application).where(Application.reference == reference))
    region = getattr(g, "region", None) if has_app_context() else None
    if application is None or (region is not None and application.region_id != region.id):
        return f"aanvraag {reference} bestaat niet in deze regio"
    if application.organisation_id != values["organisation_id"]:
        return f"aanvraag {reference} heeft een andere penvoerder ({application.organisation.identifier})"
    return None


def _pledges_only_in_concept(values, labels):
    """A new partner line can only be added while the application is a concept."""
    reference = values["application_ref"]
    application = db_session().scalar(select(Application).where(Application.reference == reference))
    if application is None or application.status == CONCEPT:
        return None
    exists = db_session().scalar(select(Partner.id).where(Partner.application_ref == reference,
                                                          Partner.partner_id == values["partner_id"]))
    if exists is None:
        return (f"aanvraag {reference} is {STATUS_LABELS[application.status].lower()}; "
                "een nieuwe partner kan alleen in een concept worden toegevoegd")
    return None


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
        description=("Toegezegde en geleverde cofinanciering per aanvraag en partner, in euro met twee decimalen. "
                     "Een penvoerder vult hier halverwege het project de geleverde bijdragen in."),
        row_noun="cofinanciering",
        columns=(
            Column("application_ref", "Aanvraag", help="Het kenmerk van de aanvraag, zoals RIF-MC19-0001."),
            Column("organisation_id", "Penvoerder", Kind.ORGANISATION,
                   help="BRIN-code van de mbo-instelling die de aanvraag indient."),
            Column("partner_id", "Partner", Kind.ORGANISATION,
                   help="Code van de partner: BRIN, KvK-nummer of CBS-code (GM0344)."),
            Column("pledged_cash", "Toegezegd in geld", **MONEY),
            Column("pledged_in_kind", "Toegezegd in natura", **MONEY,
                   help="Waarde van uren, apparatuur of locaties, in euro."),
            Column("delivered_cash", "Geleverd in geld", required=False, **MONEY),
            Column("delivered_in_kind", "Geleverd in natura", required=False, **MONEY),
            Column("delivered_rate", "Geleverd (% van toezegging)", Kind.DECIMAL, required=False,
                   computed=_delivered_rate),
        ),
        natural_key=("application_ref", "partner_id"),
        rules=(RowRule("application_ref", _application_matches, needs=("application_ref", "organisation_id")),
               RowRule("partner_id", _pledges_only_in_concept, needs=("application_ref", "partner_id"))),
    )
