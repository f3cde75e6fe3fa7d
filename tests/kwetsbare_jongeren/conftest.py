"""Users, workbooks and helpers for the kwetsbare_jongeren tests (region rmc-19 Utrecht unless said)."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from core.testing import login, make_user

KEY = "kwetsbare_jongeren"
BASE = f"/regio/rmc-19/{KEY}"
HEADER = ["Melder", "Gemeente", "Periode", "Categorie", "Aantal"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
USERS = {
    "coord": ("coord@kj.example", "MC19", "admin"),  # coordinator of rmc-19 (the RMC)
    "utrecht": ("utrecht@kj.example", "GM0344", "editor"),
    "utrecht_viewer": ("lezer@kj.example", "GM0344", "viewer"),
    "utrecht_signatory": ("teken@kj.example", "GM0344", "signatory"),
    "debilt": ("debilt@kj.example", "GM0310", "editor"),
    "rotterdam": ("rotterdam@kj.example", "GM0599", "editor"),
    "platform": ("beheer@kj.example", None, None),
}


def workbook(rows, header=HEADER, *, title="Monitor", extra=None) -> bytes:
    """A real .xlsx as openpyxl writes it; `extra` maps (row, col) (1-based) to a value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    for (r, c), value in (extra or {}).items():
        ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def published_export(client, base=BASE) -> bytes:
    """The published figures as the signed-in user downloads them (sheet "monitor-regio", through the engine)."""
    response = client.get(f"{base}/excel/monitor-regio/export.xlsx")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    return response.data


def read_workbook(data: bytes) -> list[list]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


class World:
    def __init__(self, app):
        self.app = app
        self.clients = {}

    def client(self, who):
        if who not in self.clients:
            client = self.app.test_client()
            assert login(client, USERS[who][0]).status_code == 302
            self.clients[who] = client
        return self.clients[who]

    def email(self, who):
        return USERS[who][0]

    def org_id(self, identifier):
        from core.db import db_session
        from core.plugin_api import Organisation

        with self.app.app_context():
            return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))

    def counts(self, region="rmc-19"):
        """{(melder, gemeente, periode, categorie): aantal} stored in the region."""
        from core.db import db_session
        from core.plugin_api import Organisation, Region
        from plugins.kwetsbare_jongeren.models import MonitorCount

        with self.app.app_context():
            session = db_session()
            region_id = session.scalar(select(Region.id).where(Region.slug == region))
            rows = session.execute(
                select(Organisation.identifier, MonitorCount.municipality, MonitorCount.period,
                       MonitorCount.category, MonitorCount.count)
                .join(Organisation, Organisation.id == MonitorCount.organisation_id)
                .where(MonitorCount.region_id == region_id))
            return {tuple(r[:4]): r[4] for r in rows}

    def add_counts(self, rows, region="rmc-19"):
        """Store counts directly: [(melder, gemeente, periode, categorie, aantal)]."""
        from core.db import db_session
        from core.plugin_api import Region
        from plugins.kwetsbare_jongeren.models import MonitorCount

        with self.app.app_context():
            session = db_session()
            region_id = session.scalar(select(Region.id).where(Region.slug == region))
            for org, muni, period, cat, n in rows:
                session.add(MonitorCount(region_id=region_id, organisation_id=self.org_id(org), municipality=muni,
                                         period=period, category=cat, count=n))
            session.commit()

    def cli(self, *args, app=None):
        from core.cli import main

        return (app or self.app).test_cli_runner(mix_stderr=False).invoke(main, [str(a) for a in args]) \
            if _runner_takes_mix_stderr() else (app or self.app).test_cli_runner().invoke(main, [str(a) for a in args])


def _runner_takes_mix_stderr() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


@pytest.fixture
def world(app):
    for email, org, role in USERS.values():
        make_user(app, email, org=org, role=role, platform_admin=org is None)
    return World(app)
