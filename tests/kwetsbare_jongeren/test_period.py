"""One period format per region: a school year (2024-2025) or a quarter (2025-K1), as the region file says.

rmc-19 (Utrecht) reports per school year (the default), rmc-12 (Twente) per
quarter. A period of the other kind is refused in the form and in the sheet,
with a Dutch message that names the cell and the expected format.
"""
from __future__ import annotations

import io

import pytest

from core.testing import login, make_user

from .conftest import BASE, workbook
from .test_monitor import cli_import

TWENTE = "/regio/rmc-12/kwetsbare_jongeren"


@pytest.fixture
def enschede(world):
    make_user(world.app, "enschede@kj.example", org="GM0153", role="editor")
    client = world.app.test_client()
    assert login(client, "enschede@kj.example").status_code == 302
    return client


def test_a_school_year_region_refuses_a_quarter_in_the_sheet(world, tmp_path):
    rows = [["GM0344", "GM0344", "2024-2025", "in beeld", 41], ["GM0344", "GM0344", "2025-K1", "in beeld", 12],
            ["GM0344", "GM0344", "2025-K7", "begeleid naar werk", 3]]
    result = cli_import(world, tmp_path, workbook(rows))
    assert result.exit_code == 1
    assert ("C3: '2025-K1' is een kwartaal, maar regio Utrecht meldt per schooljaar: vul een schooljaar "
            "(zoals 2024-2025) in") in result.stderr
    assert ("C4: '2025-K7' is geen periode: schrijf een schooljaar (2024-2025) of een kwartaal (2025-K1)"
            in result.stderr)
    assert "C2" not in result.stderr
    assert world.counts() == {}


def test_a_quarter_region_refuses_a_school_year_in_the_sheet_on_the_web(world, enschede):
    rows = [["GM0153", "GM0153", "2025-K1", "in beeld", 41], ["GM0153", "GM0153", "2024-2025", "in beeld", 12]]
    response = enschede.post(f"{TWENTE}/excel/monitor/", data={"file": (io.BytesIO(workbook(rows)), "monitor.xlsx")},
                             content_type="multipart/form-data")
    assert response.status_code == 303
    page = enschede.get(response.headers["Location"]).get_data(as_text=True)
    assert ("C3: &#39;2024-2025&#39; is een schooljaar, maar regio Twente meldt per kwartaal: vul een kwartaal "
            "(zoals 2025-K1) in") in page
    assert world.counts("rmc-12") == {}
    # The same file with quarters only is accepted.
    good = workbook([rows[0], ["GM0153", "GM0153", "2025-K2", "in beeld", 12]])
    response = enschede.post(f"{TWENTE}/excel/monitor/", data={"file": (io.BytesIO(good), "monitor.xlsx")},
                             content_type="multipart/form-data")
    assert enschede.post(response.headers["Location"] + "bevestigen").status_code == 303
    assert world.counts("rmc-12") == {("GM0153", "GM0153", "2025-K1", "in beeld"): 41,
                                      ("GM0153", "GM0153", "2025-K2", "in beeld"): 12}


def test_the_form_accepts_only_the_regions_format(world, enschede):
    page = enschede.get(f"{TWENTE}/aantallen/nieuw").get_data(as_text=True)
    assert "Een kwartaal, zoals 2025-K1." in page
    data = {"organisation": world.org_id("GM0153"), "municipality": "GM0153", "cat_0": "12"}
    refused = enschede.post(f"{TWENTE}/aantallen/nieuw", data={**data, "period": "2024-2025"})
    assert refused.status_code == 400
    assert ("&#39;2024-2025&#39; is een schooljaar, maar regio Twente meldt per kwartaal: vul een kwartaal "
            "(zoals 2025-K1) in.") in refused.get_data(as_text=True)
    assert world.counts("rmc-12") == {}
    assert enschede.post(f"{TWENTE}/aantallen/nieuw", data={**data, "period": "2025-K1"}).status_code == 303
    assert world.counts("rmc-12") == {("GM0153", "GM0153", "2025-K1", "in beeld"): 12}
    # The region page says which format the region uses.
    assert "Deze regio meldt per kwartaal (zoals 2025-K1)." in enschede.get(f"{TWENTE}/").get_data(as_text=True)
    assert "Deze regio meldt per schooljaar (zoals 2024-2025)." in \
        world.client("utrecht").get(f"{BASE}/").get_data(as_text=True)
