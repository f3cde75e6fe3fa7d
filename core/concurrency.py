"""No lost update: optimistic concurrency for every form that edits a stored row.

* A model that a form edits mixes in `Versioned`: a `version` column that
  SQLAlchemy's `version_id_col` raises on every ORM update and checks in the
  UPDATE's WHERE clause, so of two saves of the same loaded version only the
  first writes; the second touches no row and SQLAlchemy raises StaleDataError.
  Writers outside the ORM (the Excel engine's bulk update) raise it themselves.
* The form carries the version it was shown with (`VersionField`, a hidden
  field). `save_edit` refuses a save whose version is no longer the stored one,
  and turns the StaleDataError of a save that raced another into the same
  `Conflict`: nothing is written, and the page shows the stored values next to
  the user's own input ("Iemand anders heeft dit intussen gewijzigd").
* `add_new` turns the unique-key clash of two simultaneous creates of the same
  natural key into a `Conflict` with the stored values ("... is net door
  iemand anders ingevoerd"), never a 500.

* A form that saves a set of rows at once (a matrix of cells) carries a
  `digest` of the stored set instead, and saves under `lock_for_update` of
  the row the set belongs to (the region): a second save waits, then finds
  the digest changed and shows the stored set (`Conflict.changed`).

In every case the form's version becomes the stored one, so saving the shown
form again replaces the other person's values knowingly. The audit entry's
"before" is the loaded state, which the version check proves is still the
stored row at the moment of the UPDATE (the row is locked by it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from flask_babel import gettext as _
from sqlalchemy import Integer, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

__all__ = ["Versioned", "VersionField", "Conflict", "save_edit", "add_new", "stored_values", "digest",
           "lock_for_update"]


class Versioned:
    """Mixin: the row carries a version number that every update raises (optimistic concurrency)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class VersionField(HiddenField):
    """The version of the row the form was shown with (hidden; empty for a row not stored yet).

    Filled from the row on GET (`Form(obj=row)`); after a Conflict it holds the
    stored version together with the row's id ("3@17"), so that a form whose
    key fields choose the row (a report form) cannot apply it to another row.
    """

    row: str | None = None

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        version, _at, row = raw.partition("@")
        self.data = int(version) if version.isdigit() else None
        self.row = row or None

    def _value(self) -> str:
        if self.data is None:
            return ""
        return f"{self.data}@{self.row}" if self.row else str(self.data)

    def set(self, obj) -> None:
        """From now on (also after a POST) the form carries the stored version of `obj`."""
        self.data, self.row = obj.version, _identity(obj)

    def matches(self, obj) -> bool:
        """Whether the form was shown with the stored version of this very row."""
        return self.data == obj.version and self.row in (None, _identity(obj))


def _identity(obj) -> str:
    return "-".join(str(part) for part in inspect(obj).identity or ())


@dataclass
class Conflict:
    """A save that was refused because someone else stored the row first: what to tell, what is stored."""

    title: str
    message: str
    stored: list[tuple[str, str]] = field(default_factory=list)  # (label, value as the reader reads it)

    @classmethod
    def changed(cls, stored: list[tuple[str, str]]) -> "Conflict":
        """Someone else saved what this form edits since it was shown; `stored`: what is stored now."""
        return cls(_("Iemand anders heeft dit intussen gewijzigd"),
                   _("Uw wijziging is niet opgeslagen. Hieronder staat wat nu is opgeslagen; uw eigen invoer staat "
                     "nog in het formulier. Sla opnieuw op om de opgeslagen waarden door de uwe te vervangen."),
                   stored)

    @classmethod
    def clashed(cls, stored: list[tuple[str, str]]) -> "Conflict":
        """Someone else has just created what this form creates; `stored`: what is stored now."""
        return cls(_("Dit is net door iemand anders ingevoerd"),
                   _("Uw invoer is niet opgeslagen: dit is net door iemand anders ingevoerd. Hieronder staat wat nu "
                     "is opgeslagen; uw eigen invoer staat nog in het formulier. Sla opnieuw op om de opgeslagen "
                     "waarden door de uwe te vervangen."),
                   stored)


def _shown(value, form_field) -> str:
    from core.i18n import long_date, number

    choices = getattr(form_field, "choices", None)
    if choices is not None and not callable(choices):
        labels = {str(choice[0]): str(choice[1]) for choice in choices}
        if isinstance(form_field.data, (list, tuple)):  # several choices, stored as a list or "a,b"
            chosen = value.split(",") if isinstance(value, str) else list(value or ())
            return ", ".join(labels.get(str(c), str(c)) for c in chosen if str(c)) or _("(leeg)")
        key = str(value if value is not None else "")
        if key in labels:
            return labels[key]
    if value is None or value == "":
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, Decimal) and value.as_tuple().exponent < 0:  # the stored scale: an amount keeps its cents
        return number(value, -value.as_tuple().exponent)
    if isinstance(value, (int, Decimal)):
        return number(value)
    if isinstance(value, dt.date):
        return long_date(value)
    return str(value)


def stored_values(obj, form, fields: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, stored value) for every field of `form` that edits an attribute of `obj`.

    `fields` maps a form field to the attribute it edits where the names differ
    (default: the attribute of the same name; fields without one are left out).
    """
    fields = fields or {}
    out = []
    for form_field in form:
        if isinstance(form_field, VersionField) or form_field.type in ("CSRFTokenField", "SubmitField"):
            continue
        attribute = fields.get(form_field.name, form_field.name)
        if attribute in inspect(type(obj)).relationships and hasattr(type(obj), f"{attribute}_id"):
            attribute = f"{attribute}_id"  # a choice of a related row is made by its id
        if not hasattr(type(obj), attribute):
            continue
        out.append((str(form_field.label.text), _shown(getattr(obj, attribute), form_field)))
    return out


def _changed_conflict(session: Session, obj, form, fields) -> Conflict:
    identity = inspect(obj).identity
    obj = session.get(type(obj), identity, populate_existing=True)  # the stored row as it is now
    if obj is None:
        return Conflict(_("Iemand anders heeft dit intussen verwijderd"),
                        _("Uw wijziging is niet opgeslagen: wat u wijzigde bestaat niet meer."))
    _version_field(form).set(obj)
    return Conflict.changed(stored_values(obj, form, fields))


def clash_conflict(obj, form, fields: dict[str, str] | None = None) -> Conflict:
    """The conflict for a create whose natural key is already stored (`obj`: the stored row)."""
    _version_field(form, required=False).set(obj)
    return Conflict.clashed(stored_values(obj, form, fields))


class _NoVersionField:
    """A create-only form without a VersionField: there is no version to carry."""

    def set(self, obj) -> None:
        pass


def _version_field(form, *, required: bool = True):
    found = [f for f in form if isinstance(f, VersionField)]
    if len(found) > 1 or (required and not found):
        raise TypeError(f"{type(form).__name__} needs exactly one VersionField")
    return found[0] if found else _NoVersionField()


def save_edit(session: Session, obj, form, apply: Callable[[], None], *,
              fields: dict[str, str] | None = None) -> Conflict | None:
    """Apply the form to the stored row `obj` and commit, unless someone else saved it since the form was shown.

    `apply` copies the form's values onto `obj`. Returns None when saved, else
    the Conflict to show (the session is rolled back: nothing is written).
    """
    if not _version_field(form).matches(obj):
        session.rollback()
        return _changed_conflict(session, obj, form, fields)
    apply()
    try:
        session.commit()
    except StaleDataError:  # another save of the same version committed first (its UPDATE matched, ours not)
        session.rollback()
        return _changed_conflict(session, obj, form, fields)
    return None


def add_new(session: Session, obj, form, stored: Callable[[], object | None], *,
            fields: dict[str, str] | None = None) -> Conflict | None:
    """Add the new row `obj` and commit, unless a row with its natural key is stored (then: a Conflict).

    `stored` finds the stored row with `obj`'s natural key, or None. It is asked
    first, and again after a unique-key clash with a row that another request
    inserted at the same moment (the session is then rolled back); if it finds
    nothing then, the IntegrityError was something else and is raised again.
    """
    existing = stored()
    if existing is None:
        session.add(obj)
        try:
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
            existing = stored()
            if existing is None:
                raise
    return clash_conflict(existing, form, fields)


def digest(values) -> str:
    """A short fingerprint of a set of stored values (any repr-able items; order does not matter)."""
    return hashlib.sha256(repr(sorted(repr(v) for v in values)).encode()).hexdigest()[:32]


def lock_for_update(session: Session, obj) -> None:
    """Hold a lock on `obj`'s row until the transaction ends, so that saves of the rows under it serialise.

    PostgreSQL: SELECT ... FOR NO KEY UPDATE (rows referring to it can still be
    inserted meanwhile). SQLite: a write that changes nothing takes the
    database's write lock, after which reads see the latest data.
    """
    mapper = inspect(type(obj))
    key = mapper.primary_key[0]
    ident = inspect(obj).identity[0]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(key).where(key == ident).with_for_update(key_share=True))
    else:
        session.execute(update(mapper.local_table).where(key == ident).values({key.key: key}))
