"""No double counting, each reporter its own counts: the rule of figures.counted.

A municipality reports about itself, the RMC about any municipality of its region; each keeps its own
report. When both reported the same municipality, period and category, the figures (page, widget,
published export, national sums) count it once: the municipality's own report. Without one, the report
stored first counts. Region totals are suppressed from those single counts.
"""
from __future__ import annotations

import io
import os

import pytest

from sqlalchemy import select

from .conftest import BASE, KEY, published_export, read_workbook, workbook
from .test_suppression import cells_of

P = "2024-2025"


def upload_and_confirm(client, data: bytes) -> str:
    """Upload to the engine's page of sheet "monitor", check the preview, confirm; returns the preview text."""
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(data), "monitor.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200, preview.get_data(as_text=True)
    confirmed = client.post(response.headers["Location"] + "bevestigen")
    assert confirmed.status_code == 303
    return preview.get_data(as_text=True)


def national_sums(world, period=P) -> dict:
    """The maintained sums of rmc-19 for `period`: {measure: value}; and whether they equal a recomputation."""
    from core.aggregates.maintain import recomputed, stored
    from core.db import db_session
    from core.plugin_api import aggregate_table

    with world.app.app_context():
        session = db_session()
        assert stored(session) == recomputed(session)
        counts = aggregate_table(KEY, "counts", session)
        return {m: int(v) for (r, p, m), v in dict(counts.values).items() if p == period}


def test_municipality_and_rmc_both_report_and_the_municipalitys_own_report_counts_once(world):
    # 1. Utrecht reports about itself by form: in beeld 40, zonder passend aanbod 3.
    utrecht = world.client("utrecht")
    response = utrecht.post(f"{BASE}/aantallen/nieuw", data={
        "organisation": world.org_id("GM0344"), "municipality": "GM0344", "period": P, "cat_0": "40", "cat_4": "3"})
    assert response.status_code == 303

    # 2. The RMC reports for three municipalities by Excel, Utrecht's two cells included: all four are new
    #    (the RMC's own reports), and nothing of Utrecht's is in the preview.
    rows = [["MC19", "GM0344", P, "in beeld", 42], ["MC19", "GM0344", P, "zonder passend aanbod", 3],
            ["MC19", "GM0310", P, "in beeld", 3], ["MC19", "GM0355", P, "in beeld", 9]]
    preview = upload_and_confirm(world.client("coord"), workbook(rows))
    assert "<dt>Nieuw</dt><dd>4</dd>" in preview and "<dt>Gewijzigd</dt><dd>0</dd>" in preview
    assert "Gemeente Utrecht" not in preview

    # Both reports are stored.
    assert world.counts() == {("GM0344", "GM0344", P, "in beeld"): 40, ("GM0344", "GM0344", P, "zonder passend aanbod"): 3,
                              ("MC19", "GM0344", P, "in beeld"): 42, ("MC19", "GM0344", P, "zonder passend aanbod"): 3,
                              ("MC19", "GM0310", P, "in beeld"): 3, ("MC19", "GM0355", P, "in beeld"): 9}

    # 3. By hand: in beeld = 40 (Utrecht's own) + 3 + 9 = 52; with the RMC's 42 it would be 54, with both 94.
    #    Zonder passend aanbod = Utrecht's 3 (both would give 6). Utrecht's viewer knows Utrecht's own cells;
    #    the total 3 is below 5: "<5". De Bilt's 3 is "<5", so the smallest other cell unknown to the viewer
    #    (Zeist, 9) is hidden too.
    page = world.client("utrecht_viewer").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    total = cells_of(page, "Totaal regio")
    assert total.count("<td>") == 6
    assert "<td>52</td>" in total and "<td>54</td>" not in total and "<td>94</td>" not in total
    assert total.split("<td>")[5].startswith("&lt;5</td>")  # zonder passend aanbod
    utrecht_row = cells_of(page, "Gemeente Utrecht")
    assert "<td>40</td>" in utrecht_row and "<td>42</td>" not in utrecht_row
    assert "<td>Gemeente Utrecht</td>" in utrecht_row  # who reported the counts shown
    assert "<td>&lt;5</td>" in cells_of(page, "Gemeente De Bilt")
    assert "afgeschermd" in cells_of(page, "Gemeente Zeist")
    assert "meldden de gemeente en het RMC allebei, dan telt de melding van de gemeente zelf" in page
    widget = world.client("utrecht_viewer").get("/regio/rmc-19/").get_data(as_text=True)
    assert "<td>52</td>" in widget and "<td>54</td>" not in widget
    exported = read_workbook(published_export(world.client("utrecht_viewer")))
    assert {r[3]: r[4] for r in exported[1:] if r[1] == "Totaal regio"} == {"in beeld": 52,
                                                                           "zonder passend aanbod": "<5"}
    assert [r for r in exported[1:] if r[1] == "GM0344" and r[3] == "in beeld"] == [
        ["GM0344", "GM0344", P, "in beeld", 40]]
    # The RMC sees Utrecht's small count suppressed, not its own 3 in its place.
    rmc_page = world.client("coord").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    assert "<td>&lt;5</td>" in cells_of(rmc_page, "Gemeente Utrecht")
    # The RMC is told that two of its reports are stored but not in the figures; Utrecht's are all counted.
    assert ("2 aantallen die uw organisatie voor 2024-2025 meldde, tellen niet mee in de cijfers: voor dezelfde "
            "gemeente en categorie telt een andere melding, meestal die van de gemeente zelf.") in rmc_page
    assert "niet mee in de cijfers" not in page
    # The maintained sums (national overview) count the cell once, the same way.
    assert national_sums(world) == {"count:in beeld": 52, "count:zonder passend aanbod": 3}

    # 4. The RMC reports in beeld for Utrecht again by form: its own count changes, and it is told that the
    #    municipality's report counts.
    response = world.client("coord").post(f"{BASE}/aantallen/nieuw", data={
        "organisation": world.org_id("MC19"), "municipality": "GM0344", "period": P, "cat_0": "43"},
        follow_redirects=True)
    assert ("1 aantal telt niet mee in de cijfers: Gemeente Utrecht meldde het zelf, en dan telt de melding van "
            "de gemeente.") in response.get_data(as_text=True)
    assert world.counts()[("MC19", "GM0344", P, "in beeld")] == 43
    assert world.counts()[("GM0344", "GM0344", P, "in beeld")] == 40
    assert national_sums(world)["count:in beeld"] == 52

    # 5. Utrecht's own report goes (as an administrator would remove it): the RMC's count counts now, and the
    #    maintained sums follow at once.
    from core.db import db_session
    from plugins.kwetsbare_jongeren.models import MonitorCount

    with world.app.app_context():
        session = db_session()
        session.delete(session.scalar(select(MonitorCount).where(
            MonitorCount.organisation_id == world.org_id("GM0344"), MonitorCount.category == "in beeld")))
        session.commit()
    assert national_sums(world) == {"count:in beeld": 43 + 3 + 9, "count:zonder passend aanbod": 3}
    page = world.client("platform").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    assert "<td>55</td>" in cells_of(page, "Totaal regio")
    assert "<td>Gemeente Utrecht, RMC Utrecht</td>" in cells_of(page, "Gemeente Utrecht")


def test_without_the_municipalitys_own_report_the_first_stored_report_counts(world):
    # Not a situation the sheet allows (a municipality reports about itself only), stored directly: two
    # reporters other than the municipality; the one stored first counts, whatever the other changes.
    world.add_counts([("GM0310", "GM0344", P, "in beeld", 11)])
    world.add_counts([("MC19", "GM0344", P, "in beeld", 22)])
    assert national_sums(world) == {"count:in beeld": 11}
    page = world.client("platform").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    assert "<td>11</td>" in cells_of(page, "Totaal regio")
    world.add_counts([("GM0344", "GM0344", P, "in beeld", 33)])
    assert national_sums(world) == {"count:in beeld": 33}


def test_each_reporter_exports_its_own_counts_and_imports_them_again_unchanged(world, tmp_path):
    from .test_monitor import cli_export, cli_import

    world.add_counts([("GM0344", "GM0344", P, "in beeld", 40), ("MC19", "GM0344", P, "in beeld", 42),
                      ("MC19", "GM0310", P, "in beeld", 3)])
    for who, reporter, own in [("utrecht", "GM0344", [["GM0344", "GM0344", P, "in beeld", 40]]),
                               ("coord", "MC19", [["MC19", "GM0310", P, "in beeld", 3],
                                                  ["MC19", "GM0344", P, "in beeld", 42]])]:
        exported = cli_export(world, tmp_path, who)
        assert sorted(r[:5] for r in read_workbook(exported)[1:]) == own
        again = cli_import(world, tmp_path, exported, who=who)
        assert again.exit_code == 0, again.stderr
        assert "0 wijzigingen" in again.output
    assert len(world.counts()) == 3


def test_a_municipality_reports_only_about_itself(world, tmp_path):
    from .test_monitor import cli_import

    result = cli_import(world, tmp_path, workbook([["GM0310", "GM0344", P, "in beeld", 12]]), who="debilt")
    assert result.exit_code == 1
    assert ("B2: GM0310 (Gemeente De Bilt) meldt alleen aantallen over de eigen gemeente, niet over GM0344; "
            "het RMC meldt voor elke gemeente van de regio") in result.stderr
    # The form offers De Bilt only its own municipality; another one is refused.
    client = world.client("debilt")
    page = client.get(f"{BASE}/aantallen/nieuw").get_data(as_text=True)
    assert 'value="GM0310"' in page and 'value="GM0344"' not in page
    refused = client.post(f"{BASE}/aantallen/nieuw", data={
        "organisation": world.org_id("GM0310"), "municipality": "GM0344", "period": P, "cat_0": "12"})
    assert refused.status_code == 400
    assert world.counts() == {}


def test_one_file_holds_one_count_per_reporter_and_cell(world, tmp_path):
    from .test_monitor import cli_import

    twice = [["MC19", "GM0344", P, "in beeld", 42], ["MC19", "GM0344", P, "in beeld", 40]]
    result = cli_import(world, tmp_path, workbook(twice), who="platform")
    assert result.exit_code == 1
    assert "A3: dubbele rij: dezelfde Melder, Gemeente, Periode, Categorie als rij 2" in result.stderr
    assert world.counts() == {}
    both = [["MC19", "GM0344", P, "in beeld", 42], ["GM0344", "GM0344", P, "in beeld", 40]]
    result = cli_import(world, tmp_path, workbook(both), who="platform")
    assert result.exit_code == 0, result.stderr
    assert world.counts() == {("MC19", "GM0344", P, "in beeld"): 42, ("GM0344", "GM0344", P, "in beeld"): 40}
    assert national_sums(world) == {"count:in beeld": 40}


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="PostgreSQL only: the other connection commits while the form's transaction is open, "
                           "which SQLite's single writer does not allow; set TEST_DATABASE_URL=postgresql://…")
def test_a_count_stored_by_an_import_at_the_same_moment_is_shown_not_a_500(world):
    """An import inserts the same reporter's cell between the form's look-up and its insert: the form shows what
    is stored."""
    import re

    from sqlalchemy import insert

    from plugins.kwetsbare_jongeren.models import MonitorCount
    from tests.interleave import someone_else_first

    def import_first(conn):
        from core.regions.models import Region

        region_id = conn.scalar(select(Region.id).where(Region.slug == "rmc-19"))
        conn.execute(insert(MonitorCount.__table__).values(
            region_id=region_id, organisation_id=world.org_id("GM0344"), municipality="GM0344", period=P,
            category="in beeld", count=42, is_demo=False))

    with someone_else_first(world.app, MonitorCount, import_first) as happened:
        response = world.client("utrecht").post(f"{BASE}/aantallen/nieuw", data={
            "organisation": world.org_id("GM0344"), "municipality": "GM0344", "period": P, "cat_0": "40"})
    assert happened and response.status_code == 409
    page = " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())
    assert "Dit is net door iemand anders ingevoerd" in page and "Nu opgeslagen In beeld 42" in page
    assert world.counts() == {("GM0344", "GM0344", P, "in beeld"): 42}
