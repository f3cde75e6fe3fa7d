"""The stored side of a preview as the user may read it.

An upload's diff holds the stored values it would overwrite, read without
scope (the diff must see every row with the same natural key). The preview
shows them only as far as the user may read them: a stored row the user may
neither see nor import (engine.exportable) shows its natural key (the user's
own values from the file) and nothing else. A sheet with a `stored_shown`
hook decides instead, like its export hook: it gets every stored row and
returns it the way the instrument publishes it (a count another organisation
reported as "<5").
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.excel.engine import exportable
from core.excel.spec import SheetSpec


def hidden_text() -> str:
    """What the preview shows for a stored value the user may not read."""
    return _("(niet zichtbaar voor u)")


def shown_old(session: Session, spec: SheetSpec, region, user, keys: list[str],
              changed: list[tuple[int, tuple, tuple]]) -> list[tuple[Any, ...]]:
    """The old values of `changed` (id, old, new) in `keys` order, as the user may read them."""
    if not changed:
        return []
    rows = [{"id": row_id, **dict(zip(keys, old))} for row_id, old, _new in changed]
    if spec.stored_shown is not None:
        return [tuple(row[k] for k in keys) for row in spec.stored_shown(session, region, user, rows)]
    model = spec.model
    ids = [row["id"] for row in rows]
    readable = set(session.scalars(exportable(select(model.id).where(model.id.in_(ids)), spec, user)))
    natural = set(spec.natural_key)
    hidden = hidden_text()
    return [tuple(row[k] if row["id"] in readable or k in natural else hidden for k in keys) for row in rows]
