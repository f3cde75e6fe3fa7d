"""Counts by Excel (sheet "monitor") and by form: round trip, visibility between municipalities and regions,
enable/disable, demo data."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import BASE, read_workbook, workbook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "regions"
ROWS = [["GM0344", "GM0344", "2024-2025", "in beeld", 41],
        ["GM0344", "GM0344", "2024-2025", "begeleid naar werk", 12],
        ["GM0344", "GM0344", "2023-2024", "in beeld", 37]]


def cli_import(world, tmp_path, data, who="utrecht", region="rmc-19", app=None):
    path = tmp_path / "monitor.xlsx"
    path.write_bytes(data)
    return world.cli("import", "kwetsbare_jongeren", "monitor", path, "--region", region, "--as", world.email(who),
                     app=app)


def cli_export(world, tmp_path, who):
    out = tmp_path / f"export-{who}.xlsx"
    result = world.cli("export", "kwetsbare_jongeren", "monitor", "--region", "rmc-19", "--as", world.email(who),
                       "-o", out)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_excel_round_trip_and_reimport_changes_nothing(world, tmp_path):
    result = cli_import(world, tmp_path, workbook(ROWS))
    assert result.exit_code == 0, result.stderr
    assert "3 nieuw" in result.output
    assert world.counts()[("GM0344", "GM0344", "2024-2025", "in beeld")] == 41
    exported = cli_export(world, tmp_path, "utrecht")
    rows = read_workbook(exported)
    assert rows[0][:5] == ["Melder", "Gemeente", "Periode", "Categorie", "Aantal"]
    assert sorted(r[:5] for r in rows[1:]) == sorted(ROWS)
    again = cli_import(world, tmp_path, exported)
    assert again.exit_code == 0, again.stderr
    assert "0 wijzigingen" in again.output


def test_a_municipality_cannot_report_for_another_and_the_file_is_refused_whole(world, tmp_path):
    rows = [["GM0310", "GM0310", "2024-2025", "in beeld", 6], ["GM0344", "GM0344", "2024-2025", "in beeld", 41]]
    result = cli_import(world, tmp_path, workbook(rows), who="debilt")
    assert result.exit_code == 1
    assert "A3: u mag geen aantallen invoeren voor GM0344 (Gemeente Utrecht)" in result.stderr
    assert world.counts() == {}
    bad = cli_import(world, tmp_path, workbook([["GM0310", "GM0599", "2024-2026", "vermist", -1]]), who="debilt")
    assert "B2: gemeente GM0599 (Rotterdam) hoort niet bij regio Utrecht" in bad.stderr
    assert "E2: -1 is kleiner dan het minimum 0" in bad.stderr
    assert "D2: 'vermist' is geen toegestane waarde" in bad.stderr


def test_export_holds_only_the_own_organisations_rows(world, tmp_path):
    world.add_counts([("GM0344", "GM0344", "2024-2025", "in beeld", 41),
                      ("GM0310", "GM0310", "2024-2025", "in beeld", 3)])
    debilt = read_workbook(cli_export(world, tmp_path, "debilt"))
    assert [r[:5] for r in debilt[1:]] == [["GM0310", "GM0310", "2024-2025", "in beeld", 3]]
    # The coordinator gets the region's figures from the page, suppressed; not every row raw from Excel.
    coord = read_workbook(cli_export(world, tmp_path, "coord"))
    assert coord[1:] == [] or all(r[0] == "MC19" for r in coord[1:])


def test_report_form_writes_for_the_own_municipality_with_dutch_errors(world):
    client = world.client("utrecht")
    page = client.get(f"{BASE}/aantallen/nieuw").get_data(as_text=True)
    assert '<option selected value="GM0344">' in page or 'value="GM0344" selected' in page
    bad = client.post(f"{BASE}/aantallen/nieuw", data={"organisation": world.org_id("GM0344"),
                                                        "municipality": "GM0344", "period": "2025-K1", "cat_0": "-2"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert ("&#39;2025-K1&#39; is een kwartaal, maar regio Utrecht meldt per schooljaar: vul een schooljaar "
            "(zoals 2024-2025) in." in text) and "Een aantal is 0 of meer." in text
    assert 'class="error-summary"' in text
    assert world.counts() == {}
    # Another organisation's id in the form is not offered, so it is refused.
    other = client.post(f"{BASE}/aantallen/nieuw", data={"organisation": world.org_id("GM0310"),
                                                          "municipality": "GM0310", "period": "2024-2025", "cat_0": "4"})
    assert other.status_code == 400 and world.counts() == {}
    ok = client.post(f"{BASE}/aantallen/nieuw", data={"organisation": world.org_id("GM0344"), "municipality": "GM0344",
                                                       "period": "2024-2025", "cat_0": "41", "cat_2": "12"})
    assert ok.status_code == 303
    assert world.counts() == {("GM0344", "GM0344", "2024-2025", "in beeld"): 41,
                              ("GM0344", "GM0344", "2024-2025", "begeleid naar werk"): 12}
    assert world.client("utrecht_viewer").post(f"{BASE}/aantallen/nieuw", data={}).status_code == 403


def test_other_region_sees_nothing(world):
    world.add_counts([("GM0344", "GM0344", "2024-2025", "in beeld", 41)])
    rotterdam = world.client("rotterdam")
    for path in ("/", "/aanpak", "/aantallen/nieuw", "/excel/monitor/", "/excel/monitor-regio/",
                 "/excel/monitor-regio/export.xlsx"):
        assert rotterdam.get(BASE + path).status_code == 404, path
    own = rotterdam.get("/regio/rmc-29/kwetsbare_jongeren/").get_data(as_text=True)
    assert "Er zijn nog geen aantallen gemeld." in own and "Gemeente Utrecht" not in own


def test_disabling_hides_and_enabling_shows_the_same_data(world, app_factory, tmp_path):
    from core.db import db_session
    from core.regions.sync import sync_regions

    world.add_counts([("GM0344", "GM0344", "2024-2025", "in beeld", 41)])
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURES, regions)
    path = regions / "rmc-19.toml"
    path.write_text(re.sub(r"(\[instruments\.kwetsbare_jongeren\]\s*\nenabled\s*=\s*)true", r"\1false",
                           path.read_text()))
    off = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
    with off.app_context():
        sync_regions(db_session(), off.extensions["regioplatform.regions"])
    client = off.test_client()
    from core.testing import login

    login(client, world.email("utrecht"))
    assert client.get(f"{BASE}/").status_code == 404
    assert "kwetsbare_jongeren" not in client.get("/regio/rmc-19/").get_data(as_text=True)
    result = cli_import(world, tmp_path, workbook(ROWS), app=off)
    assert result.exit_code != 0 and world.counts() == {("GM0344", "GM0344", "2024-2025", "in beeld"): 41}
    with world.app.app_context():
        sync_regions(db_session(), world.app.extensions["regioplatform.regions"])
    page = world.client("utrecht").get(f"{BASE}/").get_data(as_text=True)
    assert "<td>41</td>" in page


def test_demo_data_is_idempotent_real_context_and_marked(world):
    from sqlalchemy import func, select

    from core.db import db_session
    from core.plugin_api import Region
    from plugins.kwetsbare_jongeren import hooks
    from plugins.kwetsbare_jongeren.models import MonitorCount, Responsibility

    def load():
        with world.app.app_context():
            session = db_session()
            regions = session.scalars(select(Region).where(Region.slug.in_(["rmc-19", "rmc-29"]))).all()
            hooks.demo_data(session=session, regions=regions)
            session.commit()
            return (session.scalar(select(func.count(MonitorCount.id))),
                    session.scalar(select(func.count(Responsibility.id))))

    first = load()
    assert first[0] == (16 + 13) * 3 * 5 and first[1] > 0
    assert load() == first
    page = world.client("coord").get(f"{BASE}/").get_data(as_text=True)
    assert "Demogegevens" in page
    assert "71%" in page and "ocwincijfers.nl" in page  # the real JIKP share of RMC-regio Utrecht, with source
    assert '<svg' in page and "Regiototalen per periode en categorie" in page
    region_page = world.client("coord").get("/regio/rmc-19/").get_data(as_text=True)
    assert "Regiototalen 2024-2025" in region_page
