"""RIF's part of the national overview (/landelijk/): per region the applications, the ministry's decisions, the
subsidy granted and the co-financing pledged against delivered on granted projects, in one grouped statement."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, select

from core.plugin_api import NationalSection, NationalTable, Region, db_session, lazy_gettext

from .models import Application, Partner
from .rules import CONCEPT, GRANTED_STATES, REJECTED, ZERO

KEY = "rif"


def per_region() -> dict[int, tuple]:
    """region id -> (submitted, granted, refused, subsidy granted, pledged, delivered): one grouped statement."""
    lines = (select(Partner.region_id, Partner.application_ref,
                    func.sum(Partner.pledged_cash + Partner.pledged_in_kind).label("pledged"),
                    func.sum(func.coalesce(Partner.delivered_cash, 0) + func.coalesce(Partner.delivered_in_kind, 0))
                    .label("delivered"))
             .group_by(Partner.region_id, Partner.application_ref).subquery())
    granted = Application.status.in_(GRANTED_STATES)
    stmt = (select(Application.region_id,
                   func.count(case((Application.status != CONCEPT, 1))),
                   func.count(case((granted, 1))),
                   func.count(case((Application.status == REJECTED, 1))),
                   func.sum(case((granted, func.coalesce(Application.granted_subsidy, Application.requested_subsidy)))),
                   func.sum(case((granted, lines.c.pledged))),
                   func.sum(case((granted, lines.c.delivered))))
            .outerjoin(lines, (lines.c.region_id == Application.region_id)
                       & (lines.c.application_ref == Application.reference))
            .group_by(Application.region_id))
    return {row[0]: tuple(row[1:]) for row in db_session().execute(stmt)}


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def table() -> NationalTable:
    figures = per_region()
    regions = db_session().scalars(select(Region).order_by(Region.name)).all()
    rows = []
    for region in regions:
        if not region.has_instrument(KEY):
            continue
        submitted, granted, refused, subsidy, pledged, delivered = figures.get(region.id, (0, 0, 0, None, None, None))
        pledged, delivered = _money(pledged), _money(delivered)
        rows.append((region.name, submitted, granted, refused, _money(subsidy), pledged, delivered,
                     (delivered / pledged).quantize(Decimal("0.001")) if pledged else None))
    return NationalTable(
        caption=lazy_gettext("Aanvragen, besluiten van het ministerie en cofinanciering per regio"),
        headers=(lazy_gettext("Regio"), lazy_gettext("Ingediend"), lazy_gettext("Toegekend"), lazy_gettext("Afgewezen"),
                 lazy_gettext("Toegekende subsidie"), lazy_gettext("Cofinanciering toegezegd"),
                 lazy_gettext("Cofinanciering geleverd"), lazy_gettext("Geleverd van toegezegd")),
        kinds=("text", "count", "count", "count", "money", "money", "money", "percent"),
        rows=tuple(rows),
        note=lazy_gettext("Toegezegd en geleverd: de toegekende projecten (geleverd zoals verantwoord bij de "
                          "tussentijdse verantwoording). Alle regio's waar het Regionaal Investeringsfonds aan staat."))


def context() -> dict:
    figures = per_region().values()
    return {"granted": sum(f[1] for f in figures), "refused": sum(f[2] for f in figures),
            "subsidy": sum((_money(f[3]) for f in figures), ZERO)}  # (submitted, granted, refused, subsidy, ...)


def sections() -> list[NationalSection]:
    return [NationalSection(title=lazy_gettext("Regionaal Investeringsfonds mbo"), template="rif/national.html",
                            table=table, context=context, permission="rif.view")]
