"""Who sees what: an institution its own numbers, the coordinator all, the region only totals."""
from __future__ import annotations

from .conftest import BASE, regio, reports, row, table

ROWS = [row("25LH", received=11), row("01OE", received=7, handled=7, forwarded=0)]


def report_id(app, org):
    return next(r["id"] for r in reports(app) if r["org"] == org)


def test_institution_a_does_not_see_institution_b(app, imported, client_of):
    assert imported(ROWS).exit_code == 0
    roc = client_of("roc")
    rows = table(roc.get(f"{BASE}/").get_data(as_text=True), "stagepact-instellingen")
    assert [r[0] for r in rows[1:]] == ["ROC Midden Nederland"]
    assert roc.get(f"{BASE}/rapportage/{report_id(app, '25LH')}").status_code == 200
    assert roc.get(f"{BASE}/rapportage/{report_id(app, '01OE')}").status_code == 404
    before = reports(app)
    response = roc.post(f"{BASE}/rapportage/{report_id(app, '01OE')}", data={"reports_received": "0"})
    assert response.status_code == 404
    assert reports(app) == before


def test_coordinator_sees_every_institution_but_cannot_change_them(app, imported, client_of):
    assert imported(ROWS).exit_code == 0
    coordinator = client_of("coordinator")
    rows = table(coordinator.get(f"{BASE}/").get_data(as_text=True), "stagepact-instellingen")
    assert sorted(r[0] for r in rows[1:]) == ["ROC Midden Nederland", "Yuverta"]
    page = coordinator.get(f"{BASE}/rapportage/{report_id(app, '01OE')}")
    assert page.status_code == 200 and "Rapportage wijzigen" not in page.get_data(as_text=True)
    before = reports(app)
    assert coordinator.post(f"{BASE}/rapportage/{report_id(app, '01OE')}",
                            data={"reports_received": "0"}).status_code == 403
    assert reports(app) == before


def test_region_users_see_totals_but_no_institution(app, imported, client_of):
    assert imported(ROWS).exit_code == 0
    page = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert table(page, "stagepact-meldingen")[1][:3] == ["2024-2025", "2 van de 5 instellingen", "18"]
    assert table(page, "stagepact-instellingen") == []
    assert "ROC Midden Nederland" not in page and "Yuverta" not in page
    assert client_of("gemeente").get(f"{BASE}/rapportage/{report_id(app, '25LH')}").status_code == 404


def test_another_region_sees_nothing(app, imported, client_of):
    assert imported(ROWS).exit_code == 0
    zadkine = client_of("zadkine")
    assert zadkine.get(f"{BASE}/").status_code == 404
    assert zadkine.get(f"{BASE}/rapportage/{report_id(app, '25LH')}").status_code == 404
    own = zadkine.get("/regio/rmc-29/stagepact/").get_data(as_text=True)
    assert table(own, "stagepact-meldingen") == [] and "ROC Midden Nederland" not in own
    # A report id of rmc-19 under rmc-29's URL is not found either (not even for the platform admin).
    assert client_of("platform").get(f"/regio/rmc-29/stagepact/rapportage/{report_id(app, '25LH')}").status_code == 404


def test_disabling_and_enabling_the_instrument_keeps_the_data(app, app_factory, imported, client_of, users, tmp_path):
    import shutil

    from core.db import db_session
    from core.regions.sync import sync_regions
    from core.testing import login
    from tests.conftest import FIXTURE_REGIONS

    assert imported(ROWS).exit_code == 0
    stored = reports(app)
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-19.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[instruments.stagepact]\nenabled = true", "[instruments.stagepact]\nenabled = false"),
                    encoding="utf-8")
    disabled = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
    with disabled.app_context():
        sync_regions(db_session(), disabled.extensions["regioplatform.regions"])
    client = disabled.test_client()
    login(client, users["coordinator"])
    assert client.get(f"{BASE}/").status_code == 404
    assert client.get(f"{BASE}/rapportage/{stored[0]['id']}").status_code == 404
    assert client.get(f"{BASE}/excel/stagepact/export.xlsx").status_code == 404
    assert "/stagepact/" not in client.get("/regio/rmc-19/").get_data(as_text=True)
    out = tmp_path / "x.xlsx"
    refused = regio(disabled, "export", "stagepact", "stagepact", "--region", "rmc-19", "--as", users["coordinator"],
                    "-o", out)
    assert refused.exit_code != 0 and "staat niet aan" in refused.output
    assert reports(disabled) == stored  # hidden, not deleted
    with app.app_context():  # enabled again (the fixture files)
        sync_regions(db_session(), app.extensions["regioplatform.regions"])
    page = client_of("coordinator").get(f"{BASE}/").get_data(as_text=True)
    assert sorted(r[0] for r in table(page, "stagepact-instellingen")[1:]) == ["ROC Midden Nederland", "Yuverta"]
    assert reports(app) == stored
