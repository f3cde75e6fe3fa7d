"""An upload meets only the counts of its own reporter: the preview never shows another organisation's count.

The natural key of the sheet "monitor" is Melder + Gemeente + Periode + Categorie, so the RMC uploading a
count for a municipality that the municipality reported itself adds the RMC's own report (new), next to the
municipality's, which stays as it was.
"""
from __future__ import annotations

import io
import re

from .conftest import BASE, workbook

P = "2024-2025"


def upload(client, rows) -> tuple[str, str]:
    """(preview text, its address) of an upload to the sheet "monitor"."""
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(workbook(rows)), "monitor.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    return preview.get_data(as_text=True), response.headers["Location"]


def preview_of(client, rows) -> str:
    return upload(client, rows)[0]


def count_change(page: str) -> str:
    """The preview's table row of the changed count ("Aantal": old, new)."""
    return page.split('<th scope="row">Aantal</th>', 1)[1].split("</tr>", 1)[0]


def test_the_rmc_uploading_a_count_the_municipality_reported_adds_its_own_report(world):
    world.add_counts([("GM0344", "GM0344", P, "zonder passend aanbod", 2),
                      ("GM0344", "GM0344", P, "in beeld", 40)])
    coord = world.client("coord")
    page, address = upload(coord, [["MC19", "GM0344", P, "zonder passend aanbod", 3]])
    assert "<dt>Nieuw</dt><dd>1</dd>" in page and "<dt>Gewijzigd</dt><dd>0</dd>" in page
    new_rows = page.split("<caption>Nieuwe rijen</caption>", 1)[1].split("</table>", 1)[0]
    assert "<td>MC19 (RMC Utrecht)</td><td>GM0344</td><td>2024-2025</td><td>zonder passend aanbod</td><td>3</td>" \
        in new_rows
    # nothing of Utrecht's: no old value (not "2", not "<5"), no changed row, Utrecht not named
    assert '<th scope="row">Aantal</th>' not in page and "&lt;5" not in page and "Gemeente Utrecht" not in page
    assert coord.post(address + "bevestigen").status_code == 303
    # the municipality's row stays; the RMC's is stored next to it
    assert world.counts() == {("GM0344", "GM0344", P, "zonder passend aanbod"): 2,
                              ("GM0344", "GM0344", P, "in beeld"): 40,
                              ("MC19", "GM0344", P, "zonder passend aanbod"): 3}
    # the figures count the cell once, by the municipality's own report: the admin's unsuppressed total is 2
    admin_page = world.client("platform").get(f"{BASE}/?periode={P}").get_data(as_text=True)
    total = re.sub(r"\s+", " ", admin_page.split('<th scope="row">Totaal regio</th>', 1)[1].split("</tr>", 1)[0])
    assert total.count("<td>") == 6 and "<td>2</td>" in total and "<td>5</td>" not in total


def test_a_municipality_uploading_over_the_rmcs_count_adds_its_own_and_the_rmcs_stays(world):
    world.add_counts([("MC19", "GM0344", P, "in beeld", 2)])
    page, address = upload(world.client("utrecht"), [["GM0344", "GM0344", P, "in beeld", 41]])
    assert "<dt>Nieuw</dt><dd>1</dd>" in page and "<dt>Gewijzigd</dt><dd>0</dd>" in page
    assert "RMC Utrecht" not in page and '<th scope="row">Aantal</th>' not in page
    assert world.client("utrecht").post(address + "bevestigen").status_code == 303
    assert world.counts() == {("MC19", "GM0344", P, "in beeld"): 2, ("GM0344", "GM0344", P, "in beeld"): 41}


def test_own_counts_are_shown_as_stored(world):
    world.add_counts([("GM0344", "GM0344", P, "zonder passend aanbod", 2),
                      ("MC19", "GM0344", P, "zonder passend aanbod", 3), ("MC19", "GM0310", P, "in beeld", 30)])
    # Utrecht reads its own small count as stored, not the RMC's 3
    own = preview_of(world.client("utrecht"), [["GM0344", "GM0344", P, "zonder passend aanbod", 4]])
    assert count_change(own) == "<td>2</td><td>4</td>"
    # the RMC changes its own report (that does not count, Utrecht's does): its own 3, not Utrecht's 2
    rmc = preview_of(world.client("coord"), [["MC19", "GM0344", P, "zonder passend aanbod", 1]])
    assert count_change(rmc) == "<td>3</td><td>1</td>"
    # the platform admin sees every count as stored
    raw = preview_of(world.client("platform"), [["MC19", "GM0310", P, "in beeld", 31]])
    assert count_change(raw) == "<td>30</td><td>31</td>"


def test_an_upload_for_another_organisation_is_refused_and_shows_nothing_of_it(world):
    world.add_counts([("GM0344", "GM0344", P, "zonder passend aanbod", 2)])
    page = preview_of(world.client("coord"), [["GM0344", "GM0344", P, "zonder passend aanbod", 3]])
    assert "u mag geen aantallen invoeren voor GM0344 (Gemeente Utrecht)" in page
    assert "<td>2</td>" not in page
    assert world.counts() == {("GM0344", "GM0344", P, "zonder passend aanbod"): 2}
