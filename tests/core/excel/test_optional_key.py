"""An optional natural-key column (empty = NULL, matched NULL-safely) and the rules asked again at the commit.

The declaration check runs on small models of this file; the engine runs on
the hello sheet with its Schooljaar made optional (hello_greeting.school_year
is nullable), through prepare/stage/commit as the web and the CLI call them,
on SQLite and on PostgreSQL (TEST_DATABASE_URL).
"""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.excel.spec import Column, Kind, RowRule, SheetSpec

from .conftest import EDITOR, counts, greetings, openpyxl_file, row


class _Base(DeclarativeBase):
    pass


class _Plain(_Base):  # a unique constraint only: NULLs may repeat there
    __tablename__ = "t_plain"
    __table_args__ = (UniqueConstraint("region_id", "year", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[str] = mapped_column(String(9))
    code: Mapped[str | None] = mapped_column(String(4))


class _Partial(_Base):  # plus a partial unique index for the rows without a code
    __tablename__ = "t_partial"
    __table_args__ = (UniqueConstraint("region_id", "year", "code"),
                      Index("uq_t_partial_no_code", "region_id", "year", unique=True,
                            sqlite_where=text("code IS NULL"), postgresql_where=text("code IS NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[str] = mapped_column(String(9))
    code: Mapped[str | None] = mapped_column(String(4))


class _SqliteOnly(_Base):  # a partial index for one database only is not enough
    __tablename__ = "t_sqlite_only"
    __table_args__ = (UniqueConstraint("region_id", "year", "code"),
                      Index("uq_t_sqlite_only_no_code", "region_id", "year", unique=True,
                            sqlite_where=text("code IS NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[str] = mapped_column(String(9))
    code: Mapped[str | None] = mapped_column(String(4))


class _Coalesced(_Base):  # or one unique index with coalesce() around the optional column
    __tablename__ = "t_coalesced"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("t_plain.id"))
    year: Mapped[str] = mapped_column(String(9))
    code: Mapped[str | None] = mapped_column(String(4))


Index("uq_t_coalesced_key", _Coalesced.region_id, _Coalesced.year, func.coalesce(_Coalesced.code, ""), unique=True)

YEAR = Column("year", "Schooljaar", Kind.SCHOOL_YEAR)
CODE = Column("code", "Code", required=False)


def _spec(model, *, code=CODE) -> SheetSpec:
    return SheetSpec(name="blad", title="Blad", columns=(YEAR, code), model=model, natural_key=("year", "code"),
                     permission="x.post")


def test_an_optional_key_column_needs_a_null_safe_unique_index():
    assert _spec(_Partial).problems() == []
    assert _spec(_Coalesced).problems() == []
    for model in (_Plain, _SqliteOnly):
        (problem,) = _spec(model).problems()
        assert problem.startswith("sheet 'blad': optional natural key column(s) code: model ")
        assert "needs a NULL-safe unique index" in problem and "region_id, year" in problem
    assert _spec(_Plain, code=dataclasses.replace(CODE, required=True)).problems() == []  # a required key: as before
    only_optional = SheetSpec(name="blad", title="Blad", columns=(dataclasses.replace(YEAR, required=False), CODE),
                              model=_Partial, natural_key=("year", "code"), permission="x.post")
    assert "at least one natural key column must be required" in " ".join(only_optional.problems())


# --- the engine ---------------------------------------------------------------------------------------------

CLOSED = {"on": False}


def _closed_rule(values, _labels):
    return "de inzending is gesloten" if CLOSED["on"] else None


def _hello_spec(app) -> SheetSpec:
    """The hello sheet with Schooljaar optional and a rule that can close (like a deadline)."""
    from core.excel import engine

    spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
    columns = tuple(dataclasses.replace(c, required=False) if c.key == "school_year" else c for c in spec.columns)
    return dataclasses.replace(spec, columns=columns, rules=(*spec.rules, RowRule("text", _closed_rule)))


def _prepare(app, data: bytes, *, commit: bool):
    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EDITOR))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        prepared = engine.prepare_import(session, spec=_hello_spec(app), instrument="hello", region=region, user=user,
                                         data=data, filename="groeten.xlsx", config=app.config)
        if prepared.ok and commit:
            engine.commit_prepared(session, prepared, region, engine.actor_of(user))
        else:
            session.rollback()
        return prepared


def _years(app):
    return sorted(((g["text"], g["school_year"], g["sent"]) for g in greetings(app)), key=str)


def test_empty_key_cells_are_null_and_match_stored_nulls(app, editor):
    data = openpyxl_file([row("Hallo", year=None, sent=10), row("Hallo", year="2024-2025", sent=11),
                          row("Dag", year="", sent=12)])
    first = _prepare(app, data, commit=True)
    assert first.ok and len(first.diff.new) == 3
    assert _years(app) == [("Dag", None, 12), ("Hallo", "2024-2025", 11), ("Hallo", None, 10)]
    again = _prepare(app, data, commit=True)  # NULL finds NULL: no second row
    assert (len(again.diff.new), len(again.diff.changed), again.diff.unchanged) == (0, 0, 3)
    changed = _prepare(app, openpyxl_file([row("Hallo", year=None, sent=20)]), commit=True)
    assert (len(changed.diff.new), len(changed.diff.changed)) == (0, 1)
    assert _years(app) == [("Dag", None, 12), ("Hallo", "2024-2025", 11), ("Hallo", None, 20)]


def test_two_rows_with_the_same_empty_key_cell_are_duplicates(app, editor):
    before = counts(app)
    prepared = _prepare(app, openpyxl_file([row("Hallo", year=None), row("Hallo", year=None),
                                            row("Hallo", year="2024-2025"), row("Hallo", year="2024/2025")]),
                        commit=False)
    messages = [f"{p.ref}: {p.message}" for p in prepared.problems]
    assert messages == ["A3: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 2",
                        "A5: dubbele rij: dezelfde Organisatie, Schooljaar, Groet als rij 4"]
    # a key cell that does not parse is its own error, not a NULL that duplicates another row
    prepared = _prepare(app, openpyxl_file([row("Hallo", year="twintig"), row("Hallo", year="dertig")]), commit=False)
    assert [p.ref for p in prepared.problems] == ["B2", "B3"]
    assert counts(app) == before


def test_the_rules_are_asked_again_at_the_commit_of_a_staged_import(app, editor):
    from core.db import db_session
    from core.excel import engine
    from core.excel.validate import RowsRefused
    from core.identity.models import User
    from core.regions.models import Region

    assert _prepare(app, openpyxl_file([row("Oud", year=None, sent=10)]), commit=True).ok
    before = counts(app)
    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EDITOR))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = _hello_spec(app)
        data = openpyxl_file([row("Oud", year=None, sent=20), row("Nieuw", year="2024-2025")])
        prepared = engine.prepare_import(session, spec=spec, instrument="hello", region=region, user=user, data=data,
                                         filename="groeten.xlsx", config=app.config)
        assert prepared.ok, prepared.problems
        staged = engine.stage_prepared(session, prepared, user=user, region=region, instrument="hello", data=data,
                                       minutes=10)
        CLOSED["on"] = True  # e.g. a deadline passed between the preview and the confirm
        try:
            with pytest.raises(RowsRefused) as refused:
                engine.commit_staged(session, staged, spec=spec, instrument="hello", region=region, user=user)
            session.rollback()
        finally:
            CLOSED["on"] = False
        assert str(refused.value) == (
            "Er is niets opgeslagen: sinds u het bestand uploadde, is niet meer alles toegestaan. "
            "Rij 2 (GM0344 (Gemeente Utrecht), Oud): de inzending is gesloten. "
            "Rij 3 (GM0344 (Gemeente Utrecht), 2024-2025, Nieuw): de inzending is gesloten.")
        assert isinstance(refused.value, engine.StaleImport)  # the web and CLI show it as a changed situation
    assert counts(app) == before
    with app.app_context():  # open again: the same staged import commits
        session = db_session()
        staged = session.merge(staged)
        user = session.scalar(select(User).where(User.email == EDITOR))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        engine.commit_staged(session, staged, spec=_hello_spec(app), instrument="hello", region=region, user=user)
    assert _years(app) == [("Nieuw", "2024-2025", 10), ("Oud", None, 20)]
