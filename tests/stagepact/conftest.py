"""Users, workbooks and page helpers for the stagepact tests.

Region rmc-19 (Utrecht) has five mbo institutions, among them ROC Midden
Nederland (25LH) and Yuverta (01OE); its fixture file sets three measure kinds.
Region rmc-29 (Rijnmond) has Zadkine (25LP).
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from sqlalchemy import func, select

from core.cli import main
from core.testing import login, make_user

BASE = "/regio/rmc-19/stagepact"
HEADER = ["Instelling", "Schooljaar", "Meldpunt", "Procedure", "Meldingen ontvangen", "Meldingen afgehandeld",
          "Doorgezet naar SBB", "Teams met stagematching", "Teams totaal", "Maatregelen"]
USERS = {  # name: (e-mail, organisation, role)
    "roc": ("invoer@rocmn.example", "25LH", "editor"),  # ROC Midden Nederland, rmc-19
    "yuverta": ("invoer@yuverta.example", "01OE", "editor"),  # Yuverta, rmc-19
    "roc_viewer": ("lezer@rocmn.example", "25LH", "viewer"),
    "gemeente": ("lezer@utrecht.example", "GM0344", "viewer"),  # gemeente Utrecht, rmc-19
    "gemeente_editor": ("invoer@utrecht.example", "GM0344", "editor"),
    "coordinator": ("coord@rmc19.example", "MC19", "admin"),
    "zadkine": ("invoer@zadkine.example", "25LP", "editor"),  # rmc-29
    "platform": ("beheer@platform.example", None, None),
}
KINDS_19 = ["Meldpunt bekendgemaakt bij studenten", "Training van stagebegeleiders", "Afspraken met leerbedrijven"]


def xlsx(rows, header=HEADER, title="Stagepact") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for values in [header, *rows]:
        ws.append(list(values))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(org="25LH", year="2024-2025", desk="ja", procedure="ja", received=10, handled=8, forwarded=2,
        matching=6, teams=20, measures="Meldpunt bekendgemaakt bij studenten; Training van stagebegeleiders"):
    return [org, year, desk, procedure, received, handled, forwarded, matching, teams, measures]


def form(org_id=None, year="2024-2025", desk="ja", procedure="ja", received="10", handled="8", forwarded="2",
         matching="6", teams="20", kinds=(), other="", version=""):
    """The report form's data (`version`: of the stored report the form was shown with; empty for a new one)."""
    data = {"version": version, "school_year": year, "has_desk": desk, "has_procedure": procedure, "reports_received": received,
            "reports_handled": handled, "reports_forwarded": forwarded, "teams_matching": matching,
            "teams_total": teams, "measure_kinds": list(kinds), "other_measures": other}
    if org_id is not None:
        data["organisation"] = str(org_id)
    return data


def regio(app, *args):
    return app.test_cli_runner().invoke(main, [str(a) for a in args])


def reports(app, region="rmc-19") -> list[dict]:
    """The stored reports of a region, as dicts with the institution's identifier."""
    from core.db import db_session
    from core.regions.models import Region
    from plugins.stagepact.models import Report

    with app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == region))
        out = []
        for r in session.scalars(select(Report).where(Report.region_id == region_id)
                                 .order_by(Report.school_year, Report.organisation_id)).unique():
            d = {c.key: getattr(r, c.key) for c in Report.__table__.columns}
            d["org"] = r.organisation.identifier
            out.append(d)
        return out


def counts(app) -> tuple[int, int]:
    """(reports, audit entries): what 'nothing was written' is checked against."""
    from core.audit.models import AuditEntry
    from core.db import db_session
    from plugins.stagepact.models import Report

    with app.app_context():
        session = db_session()
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Report, AuditEntry))


def org_id(app, identifier: str) -> int:
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


class _Tables(HTMLParser):
    """Rows of the table with a given id, as lists of cell texts."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[list[str]]:
    parser = _Tables(table_id)
    parser.feed(html)
    return parser.rows


@pytest.fixture
def users(app):
    for email, org, role in USERS.values():
        make_user(app, email, org=org, role=role, platform_admin=org is None)
    return {name: email for name, (email, _org, _role) in USERS.items()}


@pytest.fixture
def client_of(app, users):
    clients = {}

    def get(name):
        if name not in clients:
            client = app.test_client()
            assert login(client, users[name]).status_code == 302
            clients[name] = client
        return clients[name]

    return get


@pytest.fixture
def imported(app, users, tmp_path):
    """Import rows through `regio import` as the platform admin; returns the CLI result."""

    def run(rows, region="rmc-19", who="platform"):
        path = tmp_path / "stagepact.xlsx"
        path.write_bytes(xlsx(rows))
        return regio(app, "import", "stagepact", "stagepact", path, "--region", region, "--as", users[who])

    return run
