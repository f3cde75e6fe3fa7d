"""The vsv section of the national overview (issue 20): every region against the national goal, from the
maintained sums, for the ministry; the same table as .xlsx."""
from __future__ import annotations

import io
import re

import openpyxl

from core.testing import make_user

from .conftest import UTRECHT, org_id, report, signed_in

MINISTRY = "bureau@ministerie.example"


def _rows(page: str) -> dict[str, list[str]]:
    section = page.split('id="vsv-0"')[1].split("</section>")[0]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        head = re.search(r'<th scope="row">([^<]+)</th>', row)
        if head:
            out[head.group(1)] = [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
    return out


def test_every_region_beside_the_others_against_the_national_goal(app, users, clock):
    utrecht = signed_in(app, UTRECHT)
    assert report(utrecht, "2024-2025", org_id(app, "GM0344"), 10000, 300).status_code == 303
    assert report(utrecht, "2025-2026", org_id(app, "GM0344"), 9000, 200).status_code == 303
    make_user(app, MINISTRY, platform_role="ministry")
    ministry = signed_in(app, MINISTRY)
    page = ministry.get("/landelijk/").get_data(as_text=True)
    assert "Voortijdig schoolverlaten" in page
    rows = _rows(page)
    # the latest school year; Utrecht holds all participants so far, so all of the goal falls to it
    assert rows["Utrecht"][:5] == ["200", "9.000", "2,2%", "18.000", "1"]
    assert "minder dan 18.000 nieuwe vsv'ers in 2026" in page
    assert re.search(r"1 van de \d+ regio's hebben cijfers voor dit schooljaar", page)
    other = [name for name in rows if name != "Utrecht"]
    assert other and all(rows[name][0] == "geen gegevens" for name in other)
    book = ministry.get("/landelijk/vsv-0.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(book.data)).active
    values = {r[0]: r[1:6] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert values["Utrecht"] == (200, 9000, 0.0222, 18000, 1)


def test_in_english(app, users, clock):
    utrecht = signed_in(app, UTRECHT)
    assert report(utrecht, "2025-2026", org_id(app, "GM0344"), 9000, 200).status_code == 303
    make_user(app, MINISTRY, platform_role="ministry")
    ministry = signed_in(app, MINISTRY)
    assert ministry.post("/taal", data={"taal": "en", "next": "/landelijk/"}).status_code in (302, 303)
    page = ministry.get("/landelijk/").get_data(as_text=True)
    assert "New early school leavers per region" in page


def test_a_complete_school_year_published_on_the_public_page_and_an_incomplete_one_refused(app, users, clock):
    from .conftest import COORD, DEBILT, municipality_codes

    utrecht = signed_in(app, UTRECHT)
    debilt = signed_in(app, DEBILT)
    assert report(utrecht, "2024-2025", org_id(app, "GM0344"), 10000, 300).status_code == 303
    coordinator = signed_in(app, COORD)
    refused = coordinator.post("/regio/rmc-19/openbaar/vsv/publiceren", data={"school_year": "2024-2025"})
    assert refused.status_code == 400 and "2024-2025 is niet compleet" in refused.get_data(as_text=True)
    codes = municipality_codes(app)
    for code in codes:
        if code != "GM0344":
            client = debilt if code == "GM0310" else coordinator
            assert report(client, "2024-2025", org_id(app, code), 1000, 10).status_code == 303
    assert coordinator.post("/regio/rmc-19/openbaar/vsv/publiceren",
                            data={"school_year": "2024-2025"}).status_code == 302
    assert coordinator.post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "1"}).status_code == 302
    page = app.test_client().get("/openbaar/rmc-19/").get_data(as_text=True)
    total = 300 + 10 * (len(codes) - 1)
    assert f"<td class=\"num\">{total:,}</td>".replace(",", ".") in page
    assert "Nieuwe vsv&#39;ers, schooljaar 2024-2025" in page
