"""The region's overview of the fund, the platform-wide figures, and the region dashboard card."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.plugin_api import Region, authorize, current_region, current_user, db_session, may, scoped

from ..models import Application
from ..rules import CONCEPT, GRANTED, MIDTERM, ZERO
from .. import figures as fund_figures
from . import bp
from .common import _settings, _common, visible_applications


@bp.route("/overzicht")
def overview():
    region = authorize("rif.view", current_region())
    applications = visible_applications(region)
    data = fund_figures.build(applications, _settings().highlight_below)
    return render_template("rif/overview.html", data=data, count=len(applications),
                           national=fund_figures.NATIONAL_2014_2018, platform_admin=may(current_user, "admin.access"),
                           **_common())


@bp.route("/landelijk")
def platform():
    """The platform-wide figures: every region's submitted applications (platform admins only).

    It sits under a region's rif pages because the core mounts instrument pages there; the
    figures do not depend on that region."""
    authorize("admin.access")  # platform admins; everyone else gets 403
    from ..settings import RifSettings

    session = db_session()
    applications = session.scalars(scoped(select(Application).where(Application.status != CONCEPT)
                                          .order_by(Application.reference), "rif.view")
                                   .options(selectinload(Application.budget_lines),
                                            selectinload(Application.partners))).all()
    regions = {r.id: r.name for r in session.scalars(scoped(select(Region), "rif.view"))}
    threshold = RifSettings().highlight_below
    return render_template("rif/platform.html", data=fund_figures.platform(applications, regions, threshold),
                           per_region=fund_figures.platform_totals(session), national=fund_figures.NATIONAL_2014_2018,
                           **_common())


def widget_summary(region) -> dict:
    """The region dashboard card: what the user sees, in three figures."""
    applications = visible_applications(region, with_money=False)
    submitted = [a for a in applications if a.status != CONCEPT]
    granted = [a for a in submitted if a.status in (GRANTED, MIDTERM, "afgerond")]
    return {"applications": len(submitted), "granted": len(granted),
            "subsidy": sum((a.requested_subsidy for a in granted), ZERO)}  # shown with the `bedrag` filter
