"""SheetSpec.screen: a sheet-level check of every cell (header and undeclared columns included).

A plugin uses it to refuse data that must never be stored (personal data): the
file is refused whole, every screened cell is named, and the upload is not
kept in the database (no marked copy).
"""
from __future__ import annotations

import dataclasses

from sqlalchemy import select

from .conftest import EDITOR, HEADER, counts, openpyxl_file, row


def no_secrets(value, is_header):
    if is_header:
        return "kolomnaam 'Geheim' is niet toegestaan" if str(value).strip().lower() == "geheim" else None
    return "deze cel bevat een geheim" if value == "sst" else None


def prepare(app, data: bytes, screen):
    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == EDITOR))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        spec = dataclasses.replace(spec, screen=screen)
        assert spec.problems() == []
        prepared = engine.prepare_import(session, spec=spec, instrument="hello", region=region, user=user,
                                         data=data, filename="groeten.xlsx", config=app.config)
        staged = engine.stage_prepared(session, prepared, user=user, region=region, instrument="hello",
                                       data=data, minutes=5)
        return prepared, staged.upload


def test_screen_names_every_refused_cell_including_undeclared_columns(app, editor):
    data = openpyxl_file([row("Hallo"), row("sst")], header=[*HEADER, "Geheim"])
    # the undeclared column "Geheim" holds a value in row 3
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active.cell(row=3, column=len(HEADER) + 1, value="sst")
    out = io.BytesIO()
    wb.save(out)
    before = counts(app)
    prepared, kept = prepare(app, out.getvalue(), no_secrets)
    messages = [str(p) for p in prepared.problems]
    assert "L1: kolomnaam 'Geheim' is niet toegestaan" in messages
    assert "C3: deze cel bevat een geheim" in messages
    assert "L3: deze cel bevat een geheim" in messages
    assert not prepared.ok
    assert kept is None  # the refused upload is not stored, not even for the marked copy
    assert counts(app)[0] == before[0]


def test_without_screen_the_same_values_pass_and_a_refused_file_is_kept_for_marking(app, editor):
    prepared, _kept = prepare(app, openpyxl_file([row("sst")]), None)
    assert prepared.ok
    prepared, kept = prepare(app, openpyxl_file([row("sst", sent="abc")]), None)
    assert [str(p) for p in prepared.problems] == ["D2: 'abc' is geen geheel getal"]
    assert kept is not None


def test_screen_must_be_callable():
    from core.excel.spec import Column, SheetSpec

    spec = SheetSpec(name="x", title="X", columns=(Column("a", "A"),), screen="nee")
    assert "sheet 'x': screen must be callable" in spec.problems()
