"""Publishing a school year's figures (a snapshot, refused for an incomplete year) and reading them back."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, select

from core.concurrency import lock_for_update
from core.public.declare import PublicFigures
from core.public.models import PublicPage, PublishedFigures
from core.regions.models import Region


class PublishRefused(ValueError):
    """The year cannot be published; the message (the reader's language) says why."""


def _cell(kind: str, value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, (int, float, bool)) and kind != "text":
        return value
    return str(value)


def snapshot(table) -> dict:
    """A NationalTable as JSON: caption, headers, kinds, rows (cells typed), note; all text as shown now."""
    return {"caption": str(table.caption), "headers": [str(h) for h in table.headers], "kinds": list(table.kinds),
            "rows": [[_cell(kind, v) for kind, v in zip(table.kinds, row)] for row in table.rows],
            "note": str(table.note) if table.note else ""}


def fingerprint_of(snap: dict) -> str:
    return hashlib.sha256(json.dumps(snap, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def offered_by_instrument(region) -> dict[str, list[PublicFigures]]:
    """Instrument key -> what it offers for publication in `region`, for every instrument enabled there.

    Each instrument's hook is called once (the coordinators' page lists them all; calling every hook once per
    instrument repeated each instrument's statements as many times as the region has instruments)."""
    registry = current_app.extensions["regioplatform"]
    out: dict[str, list[PublicFigures]] = {}
    for key, item in registry.for_region(region.enabled_keys()).call("public_figures", region=region):
        out.setdefault(key, []).append(item)
    return out


def offered(region, key: str) -> list[PublicFigures]:
    """What instrument `key` offers for publication in `region` (nothing when it is not enabled there)."""
    return offered_by_instrument(region).get(key, [])


def publish(session, region, key: str, school_year: str, user) -> PublishedFigures:
    """Store the instrument's table of `school_year` as published (replacing an earlier publication of it).

    Raises PublishRefused when the instrument offers no such year or the year is not complete."""
    found = [item for item in offered(region, key) if item.school_year == school_year]
    if not found:
        raise PublishRefused(_("Voor %(year)s zijn er geen cijfers om te publiceren.", year=school_year))
    figures = found[0]
    if not figures.complete:
        raise PublishRefused(_("%(year)s is niet compleet en kan niet gepubliceerd worden: %(reason)s",
                               year=school_year, reason=figures.reason))
    snap = snapshot(figures.table())
    lock_for_update(session, region)  # two coordinators publishing the same year at once: one after the other
    row = session.scalar(select(PublishedFigures).where(PublishedFigures.region_id == region.id,
                                                        PublishedFigures.instrument_key == key,
                                                        PublishedFigures.school_year == school_year))
    if row is None:
        row = PublishedFigures(region_id=region.id, instrument_key=key, school_year=school_year)
        session.add(row)
    row.snapshot, row.fingerprint, row.published_by_id = snap, fingerprint_of(snap), getattr(user, "id", None)
    return row


def is_enabled(session, region_id: int) -> bool:
    return bool(session.scalar(select(PublicPage.enabled).where(PublicPage.region_id == region_id)))


def switch(session, region, enabled: bool) -> None:
    """Switch the region's public page on or off (two coordinators at once: one after the other, never a clash)."""
    lock_for_update(session, region)
    region_id = region.id
    page = session.get(PublicPage, region_id)
    if page is None:
        page = PublicPage(region_id=region_id)
        session.add(page)
    page.enabled = enabled


@dataclass
class ShownTable:
    """A published table as the public page shows it (cells back to numbers)."""

    instrument_key: str
    school_year: str
    caption: str
    headers: list[str]
    kinds: list[str]
    rows: list[list]
    note: str
    fingerprint: str
    published_at: object


def _value(cell):
    if isinstance(cell, dict) and "decimal" in cell:
        return Decimal(cell["decimal"])
    return cell


def _shown(row) -> ShownTable:
    snap = row.snapshot
    return ShownTable(row.instrument_key, row.school_year, snap["caption"], snap["headers"], snap["kinds"],
                      [[_value(c) for c in r] for r in snap["rows"]], snap["note"], row.fingerprint, row.published_at)


def state(session, region_id: int, keys) -> tuple[bool, dict[str, list[ShownTable]]]:
    """(whether the region's public page is on, `published(session, region_id, keys)`) in one statement: the
    region's row, outer-joined to its published tables, with the page switch as a subquery."""
    enabled = select(PublicPage.enabled).where(PublicPage.region_id == region_id).scalar_subquery()
    rows = session.execute(
        select(enabled, PublishedFigures).select_from(Region)
        .outerjoin(PublishedFigures, and_(PublishedFigures.region_id == Region.id,
                                          PublishedFigures.instrument_key.in_(list(keys))))
        .where(Region.id == region_id).order_by(PublishedFigures.school_year.desc())).all()
    out: dict[str, list[ShownTable]] = {}
    for _on, row in rows:
        if row is not None:
            out.setdefault(row.instrument_key, []).append(_shown(row))
    return bool(rows and rows[0][0]), out


def published(session, region_id: int, keys) -> dict[str, list[ShownTable]]:
    """The published tables of the instruments `keys` (enabled ones), newest school year first."""
    out: dict[str, list[ShownTable]] = {}
    for row in session.scalars(select(PublishedFigures).where(PublishedFigures.region_id == region_id,
                                                              PublishedFigures.instrument_key.in_(list(keys)))
                               .order_by(PublishedFigures.school_year.desc())):
        out.setdefault(row.instrument_key, []).append(_shown(row))
    return out
