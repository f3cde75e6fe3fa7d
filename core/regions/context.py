"""The region a piece of work happens in: the request's, and the explicit context handed to plugin checks.

* `current_region()`: the region of the current request (set by the region guard), for pages.
* `RuleContext`: what the core tells a sheet's row rules and screen and an agreement template's term
  check about the work they check: the region, the instrument, the acting user, today's date, the
  instrument's settings for the region, and look-ups of organisations. The Excel engine and the
  agreement service build it, the same on the web and on the command line (`regio import ... --region X
  --as EMAIL`), so a check never reads request state (`flask.g`) and never guesses the region.
* `instrument_settings(region)`: an instrument's settings for a region.
"""
from __future__ import annotations

import datetime as dt
import inspect
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app, g, has_app_context, has_request_context, request

from core.db import db_session
from core.identity.models import today as netherlands_today
from core.orgs.models import Organisation
from core.regions.guard import instrument_key_from
from core.regions.models import Region


def current_region() -> Region:
    """The region of the current request (set by the region guard)."""
    return g.region


def today() -> dt.date:
    """Today's date in the Netherlands: the default of `RuleContext.today` (one place, so tests move the clock)."""
    return netherlands_today()


def settings_of(region: Region, instrument: str):
    """The instrument's RegionSettings for `region` (defaults where the region file says nothing), or None
    when the instrument declares no settings. Needs the app (its registry of instruments)."""
    entry = current_app.extensions["regioplatform"].entries.get(instrument)
    schema = entry.settings_schema if entry is not None else None
    if schema is None:
        return None
    return schema.from_json(region.settings_for(instrument))


def instrument_settings(region: Region | None = None, instrument: str | None = None):
    """This region's settings for an instrument: an instance of its RegionSettings class, or None.

    region:     the region (required; the zero-argument form, which reads the current request's region,
                is deprecated and will be removed: write `instrument_settings(region)`)
    instrument: the instrument key; by default the instrument whose page is being served (give it
                outside a request, e.g. in demo data or a command)
    """
    if region is None:
        warnings.warn("instrument_settings() without a region is deprecated: pass the region, "
                      "instrument_settings(region)", DeprecationWarning, stacklevel=2)
        region = current_region()
    if instrument is None:
        instrument = instrument_key_from(request.blueprints) if has_request_context() else None
        if instrument is None:
            raise RuntimeError("instrument_settings(region) outside an instrument page needs instrument=<key>")
    return settings_of(region, instrument)


@dataclass(frozen=True)
class RuleContext:
    """What a row rule, a sheet's screen or an agreement-term check is told about the work it checks.

    region:     the plugin_api.Region imported into, or the agreement's region
    instrument: the instrument key the sheet or template belongs to
    user:       the acting user: the uploader on the web, the `--as` user of `regio import`, the
                coordinator drafting an agreement; None when nobody acts (demo data, a bare unit test)
    today:      the date the rules apply on (the Dutch calendar day; a deadline check compares with it)
    settings:   the instrument's RegionSettings for the region (looked up from the region file when not
                given), or None when the instrument declares none

    Look-ups: `organisation(id)` (any organisation, or None) and `members(*kinds)` (the region's member
    organisations, by name). The engine builds a context per import and again when a previewed import is
    confirmed, so a rule that depends on the date or the settings is asked with the values of that moment.
    A test may build one directly: RuleContext(region, "key", user, today=dt.date(2025, 10, 1)).
    """

    region: Region
    instrument: str
    user: Any = None
    today: dt.date = field(default_factory=lambda: today())
    settings: Any = None

    def __post_init__(self):
        if self.settings is None and self.instrument and has_app_context():
            object.__setattr__(self, "settings", settings_of(self.region, self.instrument))

    @property
    def school_years(self):
        """The instrument's closed set of school years in the region on `today` (core.school_years)."""
        from core.school_years import school_years

        return school_years(self.settings, self.today)

    def organisation(self, org_id: int) -> Organisation | None:
        """The organisation with this id (a member of the region or not), or None."""
        return db_session().get(Organisation, org_id) if org_id is not None else None

    def members(self, *kinds: str) -> list[Organisation]:
        """The region's member organisations, of these kinds ("gemeente", "mbo", ...) when given, by name."""
        orgs = [m.organisation for m in self.region.members if not kinds or m.organisation.kind in kinds]
        return sorted(orgs, key=lambda o: (o.name, o.identifier))


def takes_context(func: Callable, arity: int) -> bool:
    """Whether `func` accepts a context after its `arity` positional arguments.

    Checks written before the context existed take exactly `arity` arguments
    (a row rule: `check(values, labels)`); they keep working without it
    (deprecated), so the callers ask this once per declaration.
    """
    try:
        parameters = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return False
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return True
    positional = [p for p in parameters if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                      inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    return len(positional) > arity
