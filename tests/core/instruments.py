"""Instrument lists for the core's tests, derived from the registry and the region files (never named)."""
from __future__ import annotations


def ordered_keys(app) -> list[str]:
    """Every registered instrument's key, in the order the UI shows them."""
    return [e.key for e in app.extensions["regioplatform"].ordered()]


def enabled_in(app, slug: str) -> list[str]:
    """The keys enabled in region `slug` (its region file), in the UI's order."""
    region = next(r for r in app.extensions["regioplatform.regions"] if r.slug == slug)
    enabled = {key for key, decl in region.instruments.items() if decl.enabled}
    return [key for key in ordered_keys(app) if key in enabled]


def other_instrument(app, slug: str = "rmc-19", *, besides: tuple[str, ...] = ("hello",)) -> str:
    """An instrument with pages that region `slug` enables, other than `besides` (a control in a test)."""
    entries = app.extensions["regioplatform"].entries
    for key in enabled_in(app, slug):
        if key not in besides and entries[key].blueprint is not None:
            return key
    raise LookupError(f"no instrument besides {besides} is enabled in {slug} in the test regions")
