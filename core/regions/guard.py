"""The region guard: unknown or invisible regions and disabled instruments are 404."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from core.authz import Decision, decide
from core.db import db_session
from core.regions.models import Region


class InstrumentDisabled(NotFound):
    """The instrument is not enabled in this region."""


def require_instrument(region: Region, key: str) -> None:
    """Raise InstrumentDisabled (a 404) unless `key` is enabled in `region`.

    The web guard, the Excel engine and the CLI all call this one function.
    """
    if not region.has_instrument(key):
        raise InstrumentDisabled(f"instrument '{key}' staat niet aan in regio {region.slug}")


def visible_region_or_404(slug: str, user) -> Region:
    """Load the region by slug, or 404 when it does not exist or the user may not see it."""
    # The region with its members (and their organisations) in one statement, its instruments in a second:
    # every region page reads both (joined in one, each member row would repeat every instrument's settings).
    region = db_session().scalars(
        select(Region).where(Region.slug == slug).options(joinedload(Region.members))
    ).unique().first()
    if region is None or decide(user, "region.view", region) is not Decision.ALLOW:
        abort(404)
    return region


def instrument_key_from(blueprints: list[str]) -> str | None:
    """'regio.<key>' -> '<key>'; None for the core's own region pages."""
    for name in blueprints:
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "regio":
            return parts[1]
    return None

