"""Request context for region pages: the current region and the calling instrument's settings."""
from __future__ import annotations

from flask import current_app, g, request

from core.regions.guard import instrument_key_from
from core.regions.models import Region


def current_region() -> Region:
    """The region of the current request (set by the region guard)."""
    return g.region


def instrument_settings():
    """This region's settings for the instrument whose page is being served.

    Returns an instance of the instrument's RegionSettings class (defaults
    where the region file says nothing), or None when it declares no settings.
    """
    key = instrument_key_from(request.blueprints)
    if key is None:
        raise RuntimeError("instrument_settings() is only available on instrument pages")
    schema = current_app.extensions["regioplatform"].entries[key].settings_schema
    if schema is None:
        return None
    return schema.from_json(g.region.settings_for(key))
