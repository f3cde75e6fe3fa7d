"""The Excel preview shows another organisation's stored count only as the region page publishes it."""
from __future__ import annotations

import io

from .conftest import BASE, workbook

P = "2024-2025"


def preview_of(client, rows) -> str:
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(workbook(rows)), "monitor.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    return preview.get_data(as_text=True)


def count_change(page: str) -> str:
    """The preview's table row of the changed count ("Aantal": old, new)."""
    return page.split('<th scope="row">Aantal</th>', 1)[1].split("</tr>", 1)[0]


def test_coordinator_sees_a_municipalitys_small_count_as_published(world):
    world.add_counts([("GM0344", "GM0344", P, "zonder passend aanbod", 2),
                      ("GM0344", "GM0344", P, "in beeld", 40)])
    page = preview_of(world.client("coord"), [["MC19", "GM0344", P, "zonder passend aanbod", 3]])
    assert "<dt>Gewijzigd</dt><dd>1</dd>" in page
    assert count_change(page) == "<td>&lt;5</td><td>3</td>"  # not Utrecht's stored 2
    # the reporter is public (the page names it): shown as stored
    assert '<th scope="row">Melder</th><td>GM0344 (Gemeente Utrecht)</td><td>MC19 (RMC Utrecht)</td>' in page


def test_own_and_unsuppressed_counts_are_shown_as_stored(world):
    world.add_counts([("GM0344", "GM0344", P, "zonder passend aanbod", 2),
                      ("MC19", "GM0310", P, "in beeld", 30), ("MC19", "GM0355", P, "in beeld", 20)])
    # Utrecht reads its own small count as stored
    own = preview_of(world.client("utrecht"), [["GM0344", "GM0344", P, "zonder passend aanbod", 4]])
    assert count_change(own) == "<td>2</td><td>4</td>"
    # a count the page shows (30, not small) is shown as stored to the municipality overwriting it
    published = preview_of(world.client("debilt"), [["GM0310", "GM0310", P, "in beeld", 31]])
    assert count_change(published) == "<td>30</td><td>31</td>"
    # the platform admin sees every count as stored
    raw = preview_of(world.client("platform"), [["MC19", "GM0344", P, "zonder passend aanbod", 3]])
    assert count_change(raw) == "<td>2</td><td>3</td>"
