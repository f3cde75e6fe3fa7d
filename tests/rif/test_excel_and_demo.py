"""The sheet "cofinanciering" through `regio export/import` with real .xlsx files; enabling,
disabling and the demo data."""
from __future__ import annotations

import io
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from core.cli import main

from .conftest import BASE, application, create, email, grant, text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "regions"


def regio(app, *args):
    return app.test_cli_runner().invoke(main, [str(a) for a in args])


def export(app, tmp_path, who, name="export.xlsx"):
    path = tmp_path / name
    result = regio(app, "export", "rif", "cofinanciering", "--region", "rmc-19", "--as", email(who), "-o", path)
    assert result.exit_code == 0, result.output
    return path


def rows(path):
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [[c.value for c in r] for r in sheet.iter_rows()]


def test_round_trip_fills_midterm_deliveries_in_bulk(app, as_, tmp_path):
    grant(app, as_, create(app, as_))
    path = export(app, tmp_path, "editor")
    table = rows(path)
    assert table[0][:7] == ["Aanvraag", "Penvoerder", "Partner", "Toegezegd in geld", "Toegezegd in natura",
                            "Geleverd in geld", "Geleverd in natura"]
    assert [r[:5] for r in table[1:3]] == [["RIF-MC19-0001", "25LH", "25LH", 50000, 50000],
                                           ["RIF-MC19-0001", "25LH", "90000012", 0, 100000]]
    # Re-importing the export changes nothing.
    again = regio(app, "import", "rif", "cofinanciering", path, "--region", "rmc-19", "--as", email("editor"))
    assert again.exit_code == 0 and "0 wijzigingen" in again.output
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["F2"], sheet["G2"], sheet["G3"] = 25000.5, "40.000,25", 79999.99
    book.save(path)
    result = regio(app, "import", "rif", "cofinanciering", path, "--region", "rmc-19", "--as", email("editor"))
    assert result.exit_code == 0, result.output
    assert "2 gewijzigd" in result.output
    partners = application(app).partners
    assert partners["25LH"].delivered_cash == D("25000.50")
    assert partners["25LH"].delivered_in_kind == D("40000.25")
    assert partners["90000012"].delivered_in_kind == D("79999.99")
    # The coordinator's export is the whole region and shows the delivered share.
    table = rows(export(app, tmp_path, "coordinator", "regio.xlsx"))
    # cash and in kind together: 65.000,75 of 100.000
    assert table[1][7] == 65.0 and table[2][7] == 80.0  # 79.999,99 of 100.000 rounded half-up


def test_bad_rows_are_named_by_cell_and_nothing_is_written(app, as_, tmp_path):
    create(app, as_)
    path = export(app, tmp_path, "editor")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["G2"] = "12,345"  # three decimals
    sheet["A3"] = "RIF-MC19-9999"  # no such application
    book.save(path)
    before = application(app).partners
    result = regio(app, "import", "rif", "cofinanciering", path, "--region", "rmc-19", "--as", email("editor"))
    assert result.exit_code == 1
    assert "G2" in result.output and "A3: aanvraag RIF-MC19-9999 bestaat niet in deze regio" in result.output
    assert "er is niets opgeslagen" in result.output
    assert application(app).partners == before


def test_another_mbo_cannot_import_the_penvoerders_rows(app, as_, tmp_path):
    create(app, as_)
    path = export(app, tmp_path, "editor")
    assert len(rows(export(app, tmp_path, "other_mbo", "leeg.xlsx"))) == 1  # sees no rows: the header only
    result = regio(app, "import", "rif", "cofinanciering", path, "--region", "rmc-19", "--as", email("other_mbo"))
    assert result.exit_code == 1
    assert "u mag geen cofinanciering invoeren voor 25LH (ROC Midden Nederland)" in result.output


def test_upload_through_the_web_page(app, as_, tmp_path):
    grant(app, as_, create(app, as_))
    path = export(app, tmp_path, "editor")
    book = openpyxl.load_workbook(path)
    book.worksheets[0]["G3"] = 50000
    data = io.BytesIO()
    book.save(data)
    client = as_("editor")
    url = f"{BASE}/excel/cofinanciering/"
    response = client.post(url, data={"file": (io.BytesIO(data.getvalue()), "cofinanciering.xlsx")})
    assert response.status_code == 303
    preview = response.headers["Location"]
    assert "50.000" in text(client.get(preview)) or "50000" in text(client.get(preview))
    assert client.post(preview + "bevestigen").status_code == 303
    assert application(app).partners["90000012"].delivered_in_kind == D("50000.00")


def test_disabling_hides_and_enabling_shows_the_same_data(app, app_factory, as_, tmp_path):
    from core.db import db_session
    from core.regions.sync import sync_regions

    app_id = create(app, as_)
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURES, regions)
    path = regions / "rmc-19.toml"
    source = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(\[instruments\.rif\][^\[]*?enabled\s*=\s*)true", r"\1false", source)
    assert n == 1
    path.write_text(new, encoding="utf-8")
    disabled = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
    with disabled.app_context():
        sync_regions(db_session(), disabled.extensions["regioplatform.regions"])
    from core.testing import login

    client = disabled.test_client()
    login(client, email("editor"))
    assert client.get(f"{BASE}/{app_id}").status_code == 404
    assert client.get(f"{BASE}/excel/cofinanciering/export.xlsx").status_code == 404
    result = regio(disabled, "export", "rif", "cofinanciering", "--region", "rmc-19", "--as", email("editor"),
                   "-o", tmp_path / "x.xlsx")
    assert result.exit_code != 0 and "staat niet aan" in result.output
    with app.app_context():
        sync_regions(db_session(), app.extensions["regioplatform.regions"])
    client = app.test_client()
    login(client, email("editor"))
    page = text(client.get(f"{BASE}/{app_id}"))
    assert "Zorgtechnologie in de wijk" in page and "€ 300.000,00" in page


def test_demo_data_is_realistic_and_idempotent(app):
    from core.db import db_session
    from core.regions.models import Region
    from plugins.rif import demo
    from plugins.rif.models import Application, Partner
    from plugins.rif.rules import finances

    with app.app_context():
        session = db_session()
        regions = session.scalars(select(Region).where(Region.slug.in_(["rmc-19", "rmc-29"]))).all()
        demo.load(session, regions)
        session.commit()
        count = session.scalar(select(func.count(Application.id))), session.scalar(select(func.count(Partner.id)))
        demo.load(session, regions)
        session.commit()
        assert (session.scalar(select(func.count(Application.id))),
                session.scalar(select(func.count(Partner.id)))) == count
        apps = session.scalars(select(Application)).all()
        assert {a.organisation.identifier for a in apps} >= {"25LH", "30RN", "00GT", "25LP"}  # real institutions
        for a in apps:
            assert a.is_demo and "(demo)" in a.title
            money = finances(sum(b.amount for b in a.budget_lines), a.requested_subsidy,
                             [(p.pledged_cash, p.pledged_in_kind) for p in a.partners])
            assert money.problems == [], a.reference


def test_the_demo_follows_the_new_flow(app):
    """The demo's decisions are the ministry's (date, amount, reasons) on the committee's scores, and its concept's
    pledges are confirmed by the parties' signatures on its samenwerkingsovereenkomst: it can be submitted."""
    import re

    from core.db import db_session
    from core.testing import login
    from plugins.rif.models import Application
    from tests.core.test_demo import accounts, load_demo

    printed = accounts(load_demo(app))
    with app.app_context():
        granted = db_session().scalar(select(Application).where(Application.reference == "RIF-MC19-0002"))
        assert granted.decided_by == "ministerie (demo)" and granted.granted_subsidy == granted.requested_subsidy
        assert {s.assessor for s in granted.scores} == {"commissie (demo)"}
        concept = db_session().scalar(select(Application).where(Application.reference == "RIF-MC29-0003"))
        concept_id = concept.id
    (address, password) = [(e, pw) for e, (pw, what) in printed.items() if e.startswith("beheer.zadkine")][0]
    client = app.test_client()
    assert login(client, address, password).status_code == 302
    page = client.get(f"/regio/rmc-29/rif/{concept_id}/stap/verzenden")
    shown = " ".join(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)).split())
    assert "Alles is compleet" in shown, shown
    assert client.post(f"/regio/rmc-29/rif/{concept_id}/status", data={"to": "ingediend"}).status_code == 303
