"""Users, workbooks and helpers for the vsv tests (region rmc-19 Utrecht unless said otherwise)."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.cli import main
from core.testing import login, make_user

UTRECHT = "utrecht@vsv.example"  # editor of gemeente Utrecht (GM0344)
DEBILT = "debilt@vsv.example"  # editor of gemeente De Bilt (GM0310)
VIEWER = "lezer@vsv.example"  # viewer of gemeente Utrecht
COORD = "coord@vsv.example"  # admin of MC19, the coordinator of rmc-19: the region's admin
RIJNMOND = "rijnmond@vsv.example"  # editor of gemeente Rotterdam (GM0599), rmc-29
HEADER = ["Schooljaar", "Gemeente", "Deelnemers", "Nieuwe vsv'ers"]  # no Instelling column: the municipality's own
HEADER_BRIN = ["Schooljaar", "Gemeente", "Instelling", "Deelnemers", "Nieuwe vsv'ers"]
BASE = "/regio/rmc-19/vsv"
# the one message for a school year outside the set (on 1 October 2026: the five school years up to 2025-2026)
YEAR_MESSAGE = "'%s' is geen schooljaar dat u kunt invullen: kies een schooljaar van 2021-2022 tot en met 2025-2026"
FIXTURE_REGIONS = Path(__file__).resolve().parents[1] / "fixtures" / "regions"


@pytest.fixture
def users(app):
    make_user(app, UTRECHT, org="GM0344", role="editor")
    make_user(app, DEBILT, org="GM0310", role="editor")
    make_user(app, VIEWER, org="GM0344", role="viewer")
    make_user(app, COORD, org="MC19", role="admin")
    make_user(app, RIJNMOND, org="GM0599", role="editor")
    return app


@pytest.fixture
def clock(monkeypatch):
    """Move 'today' of the rules' context, which the vsv import and form both use (rmc-19: 2024-2025 locks after
    2026-11-01, other years after 2027-10-01). 1 October 2026: 2025-2026 has ended (the running year, 2026-2027,
    is not in the set of school years)."""
    from core.regions import context

    def set_today(day: dt.date):
        monkeypatch.setattr(context, "today", lambda: day)

    set_today(dt.date(2026, 10, 1))
    return set_today


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def workbook(rows, header=HEADER, title="Vsv-cijfers") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for values in [header, *rows]:
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def regio(app, *args):
    return app.test_cli_runner().invoke(main, [str(a) for a in args])


def figures(app):
    """Every stored figure as (school year, CBS code, BRIN or None, participants, new vsv'ers); the
    municipality's own figures (no BRIN) before its institutions'."""
    from core.db import db_session
    from core.orgs.models import Organisation
    from plugins.vsv.models import VsvFigure

    with app.app_context():
        rows = db_session().execute(
            select(VsvFigure, Organisation.identifier).join(Organisation, Organisation.id == VsvFigure.organisation_id))
        out = [(fig.school_year, code, fig.brin, fig.participants, fig.new_leavers) for fig, code in rows]
        return sorted(out, key=lambda r: (r[0], r[1], r[2] or ""))


def report(client, year, municipality_id, participants, leavers, region="rmc-19", brin="", version=""):
    """Post the report form (`version`: the hidden field, empty unless the form showed stored figures)."""
    return client.post(f"/regio/{region}/vsv/cijfers/invoeren",
                       data={"school_year": year, "municipality": municipality_id, "brin": brin,
                             "participants": participants, "new_leavers": leavers, "version": version})


def replace(client, year, municipality_id, participants, leavers, region="rmc-19", brin=""):
    """Report figures for a key that has figures: the form shows them (409), saving it again replaces them."""
    shown = report(client, year, municipality_id, participants, leavers, region=region, brin=brin)
    assert shown.status_code == 409, shown.status_code
    return report(client, year, municipality_id, participants, leavers, region=region, brin=brin,
                  version=hidden_version(shown.get_data(as_text=True)))


def edit(client, figure_id, participants, leavers, region="rmc-19"):
    """Open a figure's page and save its form with new counts (the version it was shown with included)."""
    page = client.get(f"/regio/{region}/vsv/cijfers/{figure_id}").get_data(as_text=True)
    return client.post(f"/regio/{region}/vsv/cijfers/{figure_id}",
                       data={"participants": participants, "new_leavers": leavers, "version": hidden_version(page)})


def hidden_version(html: str) -> str:
    """The value of the form's hidden version field."""
    return re.search(r'name="version"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="version"', html).group(1) or ""


def org_id(app, identifier):
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


def upload(client, data: bytes, sheet="vsv-cijfers", region="rmc-19"):
    """Upload through the engine's page; returns (response of the page it redirects to, its text)."""
    response = client.post(f"/regio/{region}/vsv/excel/{sheet}/", data={"file": (io.BytesIO(data), "cijfers.xlsx")})
    assert response.status_code == 303, response.status_code
    page = client.get(response.headers["Location"])
    return response.headers["Location"], page.get_data(as_text=True)


def confirm(client, location):
    token_page = location.rstrip("/")
    return client.post(f"{token_page}/bevestigen")


def text_of(html: str) -> str:
    """The page text without tags, whitespace collapsed, entities for quotes undone."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def sign_agreement(app, terms: dict, region_slug="rmc-19", party="MC19"):
    """A vsv agreement drafted from the plugin's template and signed by its one party: in force."""
    from core.agreements import service
    from core.db import db_session
    from core.identity.models import User
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from plugins.vsv import hooks

    template = hooks.agreement_templates()[0]
    with app.test_request_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == region_slug))
        org = session.scalar(select(Organisation).where(Organisation.identifier == party))
        user = session.scalar(select(User).where(User.email == COORD))
        made = service.create_agreement(session, region=region, instrument_key="vsv", template=template,
                                        title="Vsv-afspraak Utrecht", text_=template.text, terms=terms,
                                        parties=[org], user=user)
        version = made.latest
        service.send_for_signing(session, made, basis=version.fingerprint, user=user)
        service.sign(session, made, organisation_id=org.id, fingerprint=version.fingerprint, user=user)
        session.commit()


def municipality_codes(app, region_slug="rmc-19") -> list[str]:
    """The CBS codes of the region's member municipalities (rmc-19: the 16 of RMC-regio Utrecht)."""
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        region = db_session().scalar(select(Region).where(Region.slug == region_slug))
        return sorted(m.organisation.identifier for m in region.members if m.organisation.kind == "gemeente")


def complete_year(app, tmp_path, year, reported=("GM0344", "GM0310"), region="rmc-19", admin=COORD, brin=None):
    """The region admin imports 0 participants and 0 new vsv'ers (sums unchanged) for every municipality of the
    region not in `reported` (at institution `brin` when given), with `regio import`: the year becomes complete."""
    codes = [code for code in municipality_codes(app, region) if code not in reported]
    path = tmp_path / f"rest-{year}-{brin}.xlsx"
    if brin is None:
        path.write_bytes(workbook([[year, code, 0, 0] for code in codes]))
    else:
        path.write_bytes(workbook([[year, code, brin, 0, 0] for code in codes], header=HEADER_BRIN))
    result = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", region, "--as", admin)
    assert result.exit_code == 0, result.output
