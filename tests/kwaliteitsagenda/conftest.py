"""Users, page helpers and stored rows for the kwaliteitsagenda tests.

Region rmc-19 (Utrecht) has ROC Midden Nederland (25LH) and Yuverta (01OE); rmc-29 (Rijnmond) has Zadkine
(25LP). The test region files get the periods of tests/kwaliteitsagenda/matrix.py (2024-2027 with the three
Werkagenda priorities, 2015-2018 with the six themes).
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

BASE = "/regio/rmc-19/kwaliteitsagenda"
USERS = {  # name: (e-mail, organisation, role, platform role)
    "roc": ("invoer@rocmn.example", "25LH", "editor", None),
    "roc_admin": ("bestuur@rocmn.example", "25LH", "admin", None),
    "yuverta": ("invoer@yuverta.example", "01OE", "editor", None),
    "gemeente": ("invoer@utrecht.example", "GM0344", "editor", None),
    "gemeente_viewer": ("lezer@utrecht.example", "GM0344", "viewer", None),
    "coordinator": ("coord@rmc19.example", "MC19", "admin", None),
    "coordinator29": ("coord@rmc29.example", "MC29", "admin", None),
    "zadkine": ("invoer@zadkine.example", "25LP", "editor", None),
    "assessor": ("commissie@platform.example", None, None, "assessor"),
    "ministry": ("ocw@platform.example", None, None, "ministry"),
    "platform": ("beheer@platform.example", None, None, None),
}
GOAL = {"code": "K1", "priority": "Kansengelijkheid", "title": "Minder uitval in de entree",
        "indicator": "vsv entree (%)", "baseline": "9,5", "target_2024": "9", "target_2025": "8,5",
        "target_2026": "8", "target_2027": "7,5", "lower_is_better": "y", "investment": "250.000",
        "result_dependent": "50000,00"}
SHEET_HEADER = ["Instelling", "Periode", "Doel", "Jaar", "Realisatie", "Toelichting"]


def regio(app, *args):
    return app.test_cli_runner().invoke(main, [str(a) for a in args])


def xlsx(rows, header=SHEET_HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Realisatie kwaliteitsagenda"
    for values in [header, *rows]:
        ws.append(list(values))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def org_id(app, identifier: str) -> int:
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


def counts(app) -> dict[str, int]:
    """Rows per kwaliteitsagenda table and the agreements and audit entries: 'nothing was written'."""
    from core.agreements.models import Agreement
    from core.audit.models import AuditEntry
    from core.db import db_session
    from plugins.kwaliteitsagenda import models

    with app.app_context():
        session = db_session()
        tables = (models.Agenda, models.Goal, models.Response, models.Assessment, models.Realisation, Agreement,
                  AuditEntry)
        return {t.__name__: session.scalar(select(func.count()).select_from(t)) for t in tables}


def stored(app, model: str) -> list[dict]:
    """Every row of a kwaliteitsagenda model as a dict."""
    from core.db import db_session
    from plugins.kwaliteitsagenda import models

    cls = getattr(models, model)
    with app.app_context():
        return [{c.key: getattr(r, c.key) for c in cls.__table__.columns}
                for r in db_session().scalars(select(cls).order_by(cls.id)).unique()]


class _Tables(HTMLParser):
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
    for email, org, role, platform_role in USERS.values():
        make_user(app, email, org=org, role=role, platform_admin=org is None and platform_role is None,
                  platform_role=platform_role)
    return {name: values[0] for name, values in USERS.items()}


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
def agenda(app, client_of):
    """An agenda 2024-2027 of ROC Midden Nederland in rmc-19 with goal K1, drafted through the pages; its id."""
    roc = client_of("roc")
    response = roc.post(f"{BASE}/agenda/nieuw", data={"organisation": org_id(app, "25LH"), "period": "2024-2027"})
    assert response.status_code == 303, response.get_data(as_text=True)
    agenda_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    added = roc.post(f"{BASE}/agenda/{agenda_id}/doel/nieuw", data=GOAL)
    assert added.status_code == 303, added.get_data(as_text=True)
    return agenda_id


@pytest.fixture
def consented(app, client_of, agenda):
    """The agenda with the consent of both councils recorded by the institution's admin."""
    admin = client_of("roc_admin")
    for body, day in (("works_council", "2025-01-10"), ("student_council", "2025-01-14")):
        response = admin.post(f"{BASE}/agenda/{agenda}/instemming",
                              data={"body": body, "decided_on": day, "decision": "instemming"})
        assert response.status_code == 303, response.get_data(as_text=True)
    return agenda


def join_consortium(app, region: str, *identifiers: str) -> None:
    """Seat organisations in the kwaliteitsagenda consortium of `region` (the coordinator's page does this)."""
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == region))
        for identifier in identifiers:
            session.add(ConsortiumMember(region_id=region_id, instrument_key="kwaliteitsagenda",
                                         organisation_id=org_id(app, identifier), role="deelnemer"))
        session.commit()
