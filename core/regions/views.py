"""The parent blueprint `regio` at /regio/<region>: the region guard and the overview.

The app factory mounts the route families on it: every instrument's own
blueprint (here), the Excel pages (core.excel.views), the agreement pages
(core.agreements.views) and the consortium pages (core.consortia.views).
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user

from core.authz import authorize, may
from core.consortia.queries import instruments_with_consortia
from core.regions.guard import instrument_key_from, require_instrument, visible_region_or_404


def registry():
    return current_app.extensions["regioplatform"]


def _contributions(hook: str, region, user) -> list[tuple[str, object]]:
    """(instrument key, item) from the enabled instruments, minus items the user may not use."""
    entries = registry().entries
    found = [
        (key, item) for key, item in registry().for_region(region.enabled_keys()).call(hook, region=region, user=user)
        if not item.permission or may(user, item.permission, region)
    ]
    return sorted(found, key=lambda pair: (entries[pair[0]].info.order, pair[1].order))


def region_navigation(region, user) -> list[dict]:
    """Menu entries the enabled instruments contribute."""
    return [{"label": str(item.label), "endpoint": item.endpoint, "instrument": key}
            for key, item in _contributions("navigation_items", region, user)]


def region_widgets(region, user) -> list[dict]:
    """Dashboard cards the enabled instruments contribute, with their context built."""
    return [{"title": str(w.title), "template": w.template, "context": w.context()}
            for _key, w in _contributions("dashboard_widgets", region, user)]


def make_regio_blueprint(reg) -> Blueprint:
    """Build the parent blueprint and mount every instrument's blueprint under it."""
    bp = Blueprint("regio", __name__, url_prefix="/regio/<region>")

    @bp.url_value_preprocessor
    def take_region(_endpoint, values):
        g.region_slug = values.pop("region", None) if values else None

    @bp.url_defaults
    def give_region(_endpoint, values):
        if "region" not in values and g.get("region_slug"):
            values["region"] = g.region_slug

    @bp.before_request
    def guard():
        g.region = visible_region_or_404(g.region_slug, current_user)
        key = instrument_key_from(request.blueprints)
        if key is not None:
            require_instrument(g.region, key)

    @bp.route("/")
    def overview():
        region = authorize("region.view", g.region)
        members = sorted(region.members, key=lambda m: (m.organisation.kind, m.organisation.name))
        return render_template("core/region.html", region=region, members=members,
                               instruments=instruments_with_consortia(region, registry().ordered()),
                               widgets=region_widgets(region, current_user))

    for entry in reg.ordered():
        if entry.blueprint is not None:
            bp.register_blueprint(entry.blueprint, url_prefix=f"/{entry.key}")
    return bp

