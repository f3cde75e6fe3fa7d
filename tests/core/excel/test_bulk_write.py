"""New rows go in as one bulk write (COPY on PostgreSQL): typed values arrive intact, a key clash writes nothing."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest
from sqlalchemy import select

from .conftest import EDITOR, counts, greetings, openpyxl_file, row, run_import


def test_bulk_inserted_rows_keep_every_type(app, editor):
    assert run_import(app, openpyxl_file([row("Een", budget=12.5, sent_on=dt.date(2024, 9, 1), public="nee"),
                                          row("Twee", sent=None, budget=None, public="ja")])).ok
    een, twee = greetings(app)
    assert (een["budget"], een["sent_on"], een["public"], een["sent"]) == (
        decimal.Decimal("12.50"), dt.date(2024, 9, 1), False, 10)
    assert (twee["budget"], twee["sent"], twee["public"]) == (None, None, True)


def test_a_row_written_meanwhile_with_the_same_key_makes_the_import_stale(app, editor):
    from core.db import db_session
    from core.excel import engine
    from core.excel.store import StaleImport, write_diff
    from core.identity.models import User
    from core.regions.models import Region
    from tests.plugins.hello.models import Greeting

    prepared = run_import(app, openpyxl_file([row("Een"), row("Twee")]), commit=False)
    assert prepared.ok and len(prepared.diff.new) == 2
    (twee,) = [values for values in prepared.diff.new if "Twee" in values]
    with app.app_context():  # someone else stores "Twee" after the diff was made
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
        session.add(Greeting(region_id=region_id, **dict(zip(prepared.diff.keys, twee))))
        session.commit()
    before = counts(app)
    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EDITOR))
        with pytest.raises(StaleImport):
            write_diff(session, prepared.spec, region_id, prepared.diff, engine.actor_of(user))
        session.rollback()
    assert counts(app) == before
    assert [g["text"] for g in greetings(app)] == ["Twee"]
