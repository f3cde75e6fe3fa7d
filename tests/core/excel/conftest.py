"""Helpers for the Excel engine's tests: real workbooks written by openpyxl and xlsxwriter.

The engine is driven through the test-only hello plugin's sheet "hello-groeten"
(tests/plugins/hello/hooks.py), which uses every column kind.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import func, select

from core.testing import login, make_user

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
URL = "/regio/rmc-19/hello/excel/hello-groeten/"
HEADER = ["Organisatie", "Schooljaar", "Groet", "Verstuurd", "Beantwoord", "Budget", "Verstuurd op",
          "Openbaar", "Stemming", "BRIN", "Gemeente"]
EDITOR = "invoerder@utrecht.example"  # editor of GM0344 (gemeente Utrecht) in rmc-19


def row(text="Hallo", org="GM0344", year="2024-2025", sent=10, answered=5, budget=12.5,
        sent_on=dt.date(2024, 9, 1), public="ja", mood="blij", brin="25LH", municipality="GM0344"):
    return [org, year, text, sent, answered, budget, sent_on, public, mood, brin, municipality]


def openpyxl_file(rows, header=HEADER, *, title="Groeten", before=(), start_col=1, as_text=False) -> bytes:
    """A workbook as openpyxl writes it; `before` are rows above the header (a title row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    r = 1
    for extra in before:
        for c, value in enumerate(extra):
            ws.cell(row=r, column=start_col + c, value=value)
        r += 1
    for values in [header, *rows]:
        for c, value in enumerate(values):
            cell = ws.cell(row=r, column=start_col + c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would turn text starting with '=' into a formula
            if as_text and value is not None and not isinstance(value, str):
                cell.value = value.strftime("%d-%m-%Y") if isinstance(value, dt.date) else str(value)
                cell.data_type = "s"
        r += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsxwriter_file(rows, header=HEADER, *, title="Groeten", shared_strings=True) -> bytes:
    """A workbook as xlsxwriter writes it (shared strings, or inline strings in constant_memory mode)."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": not shared_strings})
    ws = wb.add_worksheet(title)
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "dd-mm-yyyy"})
    for c, value in enumerate(header):
        ws.write_string(0, c, value, bold)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, value, date)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    return out.getvalue()


def greetings(app, region="rmc-19"):
    """All hello greetings of a region as dicts, ordered by text."""
    from core.db import db_session
    from core.regions.models import Region
    from tests.plugins.hello.models import Greeting

    with app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == region))
        rows = session.scalars(select(Greeting).where(Greeting.region_id == region_id).order_by(Greeting.text)).all()
        keys = [c.key for c in Greeting.__table__.columns]
        return [{k: getattr(g, k) for k in keys} for g in rows]


def counts(app):
    """(greetings, audit entries): what 'nothing was written' is checked against."""
    from core.audit.models import AuditEntry
    from core.db import db_session
    from tests.plugins.hello.models import Greeting

    with app.app_context():
        session = db_session()
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Greeting, AuditEntry))


def run_import(app, data: bytes, email=EDITOR, *, region="rmc-19", commit=True, filename="groeten.xlsx",
               instrument="hello", sheet="hello-groeten"):
    """Prepare (and commit, when valid) an import through the engine, as the CLI does; returns Prepared."""
    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == email))
        region_obj = session.scalar(select(Region).where(Region.slug == region))
        spec = engine.find_sheet(app.extensions["regioplatform"], instrument, sheet)
        prepared = engine.prepare_import(session, spec=spec, instrument=instrument, region=region_obj, user=user,
                                         data=data, filename=filename, config=app.config)
        if prepared.ok and commit:
            engine.commit_prepared(session, prepared, region_obj, engine.actor_of(user))
        else:
            session.rollback()
        return prepared


def export_bytes(app, email=EDITOR, region="rmc-19") -> bytes:
    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == email))
        region_obj = session.scalar(select(Region).where(Region.slug == region))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        out = io.BytesIO()
        engine.export_sheet(session, spec=spec, instrument="hello", region=region_obj, user=user, out=out)
        return out.getvalue()


def messages(prepared) -> list[str]:
    return [str(p) for p in prepared.problems]


def upload(client, data: bytes, filename="groeten.xlsx", url=URL):
    return client.post(url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def add_membership(app, email, org, role):
    from core.db import db_session
    from core.identity.models import Membership, User
    from core.orgs.models import Organisation

    with app.app_context():
        session = db_session()
        user_id = session.scalar(select(User.id).where(User.email == email))
        org_id = session.scalar(select(Organisation.id).where(Organisation.identifier == org))
        session.add(Membership(user_id=user_id, organisation_id=org_id, role=role))
        session.commit()


@pytest.fixture
def editor(app):
    make_user(app, EDITOR, org="GM0344", role="editor")
    return EDITOR


@pytest.fixture
def editor_client(app, editor, client):
    assert login(client, editor).status_code == 302
    return client
