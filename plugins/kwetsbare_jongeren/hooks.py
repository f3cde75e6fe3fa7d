"""Hook implementations of the kwetsbare_jongeren instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import Instrument, NavItem, Permission, Widget, hookimpl, lazy_gettext

from . import access, agreement, demo, figures, models, national, retention, settings, sheets, views  # noqa: F401  (models: maps the tables)

KEY = "kwetsbare_jongeren"


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name=lazy_gettext("Kwetsbare jongeren"),
        description=lazy_gettext("Wie doet wat in de regionale aanpak voor jongeren in een kwetsbare positie, gevolgd "
                                 "met geaggregeerde aantallen."),
        order=40,
    )


@hookimpl
def register_blueprint():
    return views.bp


@hookimpl
def migration_location():
    return Path(__file__).parent / "migrations"


@hookimpl
def register_permissions():
    return [
        Permission(f"{KEY}.view", lazy_gettext("Kwetsbare jongeren bekijken"),
                   {"viewer", "editor", "signatory", "admin"}),
        # Not a read permission (no viewer): coordinators do not get it over other organisations,
        # so only the reporting organisation sees its own counts unsuppressed.
        Permission(f"{KEY}.report", lazy_gettext("Aantallen kwetsbare jongeren melden"), {"editor", "admin"}),
        # No role has it: only platform admins read the published sheet "monitor-regio" in (it is for reading).
        Permission(f"{KEY}.import_published", lazy_gettext("Gepubliceerde aantallen kwetsbare jongeren inlezen"),
                   set()),
    ]


@hookimpl
def region_settings_schema():
    return settings.KwetsbareJongerenSettings


@hookimpl
def register_sheets():
    return [sheets.MONITOR, sheets.PUBLISHED]


@hookimpl
def agreement_templates():
    return [agreement.TEMPLATE]


@hookimpl
def navigation_items(region, user):
    return [
        NavItem(lazy_gettext("Kwetsbare jongeren"), endpoint="regio.kwetsbare_jongeren.index", permission=f"{KEY}.view"),
    ]


@hookimpl
def dashboard_widgets(region, user):
    def context():
        from core.plugin_api import agreement_in_force

        conf = settings.settings_of(region)
        rows = figures.latest_period_rows(region.id)  # the card shows the latest period only
        periods = figures.periods(rows)
        in_force = agreement_in_force(region, KEY, agreement.TEMPLATE_KEY)
        tasks = 0
        if in_force is not None:
            try:
                tasks = len(agreement.parse_term(in_force.terms.get(agreement.TERM) or "")[0])
            except ValueError:
                in_force = None
        out = {"signed": in_force, "tasks": tasks, "period": None, "threshold": conf.min_count,
               "raw": access.viewer_of(user).raw}
        if periods:
            viewer = access.viewer_of(user)
            published = figures.table(rows, periods[-1], figures.municipalities(region), threshold=conf.min_count,
                                     viewer=viewer)
            out.update(period=periods[-1],
                       totals=[(models.CATEGORY_LABELS[c], published.totals[c]) for c in models.CATEGORIES],
                       completeness=figures.period_completeness(rows, periods[-1], figures.municipalities(region)))
        return out

    return [Widget(title=lazy_gettext("Kwetsbare jongeren"), template="kwetsbare_jongeren/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def demo_data(session, regions):
    return demo.demo_data(session, regions)


@hookimpl
def register_aggregates():
    return national.aggregates()


@hookimpl
def retention_rules():
    return retention.rules()


@hookimpl
def national_overview():
    return national.sections()


@hookimpl
def public_figures(region):
    return national.public_figures(region)
