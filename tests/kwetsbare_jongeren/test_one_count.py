"""No double counting: one count per municipality, period and category, whoever reports it.

A municipality reports about itself, the RMC about any municipality of its
region; a later report by the other party replaces the count and the page
shows who reported it. Region totals (page, widget, export) count every
municipality once, and are suppressed from those single counts.
"""
from __future__ import annotations

import io
import os

import pytest

from sqlalchemy import select

from .conftest import BASE, published_export, read_workbook, workbook
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


def test_municipality_and_rmc_reports_count_once_with_suppressed_totals(world):
    # 1. Utrecht reports about itself by form: in beeld 40, zonder passend aanbod 3.
    utrecht = world.client("utrecht")
    response = utrecht.post(f"{BASE}/aantallen/nieuw", data={
        "organisation": world.org_id("GM0344"), "municipality": "GM0344", "period": P, "cat_0": "40", "cat_4": "3"})
    assert response.status_code == 303

    # 2. The RMC reports for three municipalities by Excel, Utrecht's two cells included.
    rows = [["MC19", "GM0344", P, "in beeld", 42], ["MC19", "GM0344", P, "zonder passend aanbod", 3],
            ["MC19", "GM0310", P, "in beeld", 3], ["MC19", "GM0355", P, "in beeld", 9]]
    preview = upload_and_confirm(world.client("coord"), workbook(rows))
    assert "<dt>Nieuw</dt><dd>2</dd>" in preview and "<dt>Gewijzigd</dt><dd>2</dd>" in preview
    # the reporter of Utrecht's counts changes from the municipality to the RMC
    assert "<th scope=\"row\">Melder</th><td>GM0344 (Gemeente Utrecht)</td><td>MC19 (RMC Utrecht)</td>" in preview

    # One count per cell: Utrecht's two are replaced by the RMC's, nothing is stored twice.
    assert world.counts() == {("MC19", "GM0344", P, "in beeld"): 42, ("MC19", "GM0344", P, "zonder passend aanbod"): 3,
                              ("MC19", "GM0310", P, "in beeld"): 3, ("MC19", "GM0355", P, "in beeld"): 9}

    # 3. By hand: in beeld = 42 + 3 + 9 = 54 (adding both reports would give 40 + 42 + 3 + 9 = 94).
    #    Zonder passend aanbod = 3, one municipality: the cell and the total are below 5, so both are "<5"
    #    (adding both reports would give 3 + 3 = 6, shown, and "6 - 3" would give Utrecht's count away).
    #    De Bilt's 3 is "<5", so the smallest other cell (Zeist, 9) is hidden too: 54 - 42 = 12 is De Bilt
    #    and Zeist together.
    page = world.client("utrecht_viewer").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    total = cells_of(page, "Totaal regio")
    assert total.count("<td>") == 6
    assert "<td>54</td>" in total and "<td>94</td>" not in total
    assert total.split("<td>")[5].startswith("&lt;5</td>")  # zonder passend aanbod
    utrecht_row = cells_of(page, "Gemeente Utrecht")
    assert "<td>42</td>" in utrecht_row and "<td>&lt;5</td>" in utrecht_row
    assert "<td>&lt;5</td>" in cells_of(page, "Gemeente De Bilt")
    assert "afgeschermd" in cells_of(page, "Gemeente Zeist")
    assert "<td>RMC Utrecht</td>" in cells_of(page, "Gemeente Utrecht")  # who reported the counts shown
    assert "Per gemeente, periode en categorie telt één aantal" in page
    widget = world.client("utrecht_viewer").get("/regio/rmc-19/").get_data(as_text=True)
    assert "<td>54</td>" in widget and "<td>94</td>" not in widget

    # The published export has the same single counts and suppressed totals.
    exported = read_workbook(published_export(world.client("utrecht_viewer")))
    totals = {r[3]: r[4] for r in exported[1:] if r[1] == "Totaal regio"}
    assert totals == {"in beeld": 54, "zonder passend aanbod": "<5"}

    # 4. Utrecht reports in beeld again (41): it replaces the RMC's count and says so.
    response = utrecht.post(f"{BASE}/aantallen/nieuw", data={
        "organisation": world.org_id("GM0344"), "municipality": "GM0344", "period": P, "cat_0": "41"},
        follow_redirects=True)
    assert "1 aantal vervangt wat RMC Utrecht eerder meldde." in response.get_data(as_text=True)
    assert world.counts()[("GM0344", "GM0344", P, "in beeld")] == 41
    assert ("MC19", "GM0344", P, "in beeld") not in world.counts()
    page = world.client("coord").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    assert "<td>53</td>" in cells_of(page, "Totaal regio")  # 41 + 3 + 9
    assert "<td>Gemeente Utrecht, RMC Utrecht</td>" in cells_of(page, "Gemeente Utrecht")

    # The audit log keeps the replaced count: who reported it before and after (the form's update).
    from core.audit.models import AuditEntry
    from core.db import db_session

    with world.app.app_context():
        updates = db_session().scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()
        changes = [((e.before or {}).get("organisation_id"), (e.after or {}).get("organisation_id"),
                    (e.before or {}).get("count"), (e.after or {}).get("count")) for e in updates]
    assert (world.org_id("MC19"), world.org_id("GM0344"), 42, 41) in changes


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


def test_one_file_cannot_hold_two_counts_for_the_same_cell(world, tmp_path):
    from .test_monitor import cli_import

    rows = [["MC19", "GM0344", P, "in beeld", 42], ["GM0344", "GM0344", P, "in beeld", 40]]
    result = cli_import(world, tmp_path, workbook(rows), who="platform")
    assert result.exit_code == 1
    assert "B3: dubbele rij: dezelfde Gemeente, Periode, Categorie als rij 2" in result.stderr
    assert world.counts() == {}


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="PostgreSQL only: on SQLite the form holds the database's write lock from its look-up on, "
                           "so an import cannot insert in between (it waits); set TEST_DATABASE_URL=postgresql://…")
def test_a_count_stored_by_an_import_at_the_same_moment_is_shown_not_a_500(world):
    """An import inserts the same cell between the form's look-up and its insert: the form shows what is stored."""
    import re

    from sqlalchemy import insert

    from plugins.kwetsbare_jongeren.models import MonitorCount
    from tests.interleave import someone_else_first

    def import_first(conn):
        from core.regions.models import Region

        region_id = conn.scalar(select(Region.id).where(Region.slug == "rmc-19"))
        conn.execute(insert(MonitorCount.__table__).values(
            region_id=region_id, organisation_id=world.org_id("MC19"), municipality="GM0344", period=P,
            category="in beeld", count=42))

    with someone_else_first(world.app, MonitorCount, import_first) as happened:
        response = world.client("utrecht").post(f"{BASE}/aantallen/nieuw", data={
            "organisation": world.org_id("GM0344"), "municipality": "GM0344", "period": P, "cat_0": "40"})
    assert happened and response.status_code == 409
    page = " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())
    assert "Dit is net door iemand anders ingevoerd" in page and "Nu opgeslagen In beeld 42" in page
    assert world.counts() == {("MC19", "GM0344", P, "in beeld"): 42}
