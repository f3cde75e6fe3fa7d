"""Small numbers (<5, a region setting) are shown as "<5" outside the reporting organisation, and the
region totals never let a hidden number be found by subtraction: in pages and in the export."""
from __future__ import annotations

from plugins.kwetsbare_jongeren.suppression import suppress

from .conftest import BASE, HEADER, published_export, read_workbook

CATS = ["in beeld"]


def hidden_per_column(published, known=()):
    return sum(1 for k, s in published.cells.items() if s.hidden and k not in known) + \
        sum(1 for s in published.totals.values() if s.hidden)


def test_one_small_cell_gets_a_complementary_one_so_the_total_does_not_give_it_away():
    values = {("A", "in beeld"): 3, ("B", "in beeld"): 10, ("C", "in beeld"): 12}
    p = suppress(values, ["A", "B", "C"], CATS, threshold=5)
    assert p.cell("A", "in beeld").text == "<5"
    assert p.cell("B", "in beeld").text == "afgeschermd"  # the smallest other cell
    assert p.cell("C", "in beeld").text == "12"
    assert p.totals["in beeld"].text == "25"  # the true total, computed, never typed
    # Subtraction: 25 - 12 = 13 is A + B together, not A.
    assert hidden_per_column(p) == 2


def test_what_the_viewer_reported_is_shown_and_not_counted_as_a_protection():
    values = {("A", "in beeld"): 3, ("B", "in beeld"): 10, ("C", "in beeld"): 12}
    p = suppress(values, ["A", "B", "C"], CATS, threshold=5, known={("B", "in beeld")})
    assert p.cell("B", "in beeld").text == "10"  # the viewer's own figure
    assert p.cell("A", "in beeld").text == "<5"
    assert p.cell("C", "in beeld").text == "afgeschermd"  # otherwise 25 - 10 - 12 = A


def test_a_small_total_is_hidden_and_a_lone_small_cell_takes_the_total_with_it():
    p = suppress({("A", "in beeld"): 2, ("B", "in beeld"): 0}, ["A", "B"], CATS, threshold=5)
    assert p.totals["in beeld"].text == "<5"
    q = suppress({("A", "in beeld"): 3, ("B", "in beeld"): 30}, ["A", "B"], CATS, threshold=5,
                 known={("B", "in beeld")})
    assert q.cell("A", "in beeld").text == "<5"
    assert q.totals["in beeld"].text == "afgeschermd"  # 33 - 30 would be A


def test_a_small_total_over_the_viewers_own_cells_stays_hidden_and_the_rest_is_shown():
    # The viewer reported the only cell (3) themselves: the total (3) is still "<5" for them, as for everyone.
    p = suppress({("A", "in beeld"): 3}, ["A"], CATS, threshold=5, known={("A", "in beeld")})
    assert p.cell("A", "in beeld").text == "3" and p.totals["in beeld"].text == "<5"
    q = suppress({("A", "in beeld"): 3, ("B", "in beeld"): 1}, ["A", "B"], CATS, threshold=5,
                 known={("A", "in beeld"), ("B", "in beeld")})
    assert [q.cell(r, "in beeld").text for r in "AB"] == ["3", "1"] and q.totals["in beeld"].text == "<5"


def test_no_suppression_for_platform_admins_and_none_needed_for_large_numbers():
    values = {("A", "in beeld"): 3, ("B", "in beeld"): 10}
    assert suppress(values, ["A", "B"], CATS, threshold=5, raw=True).cell("A", "in beeld").text == "3"
    big = suppress({("A", "in beeld"): 7, ("B", "in beeld"): 10}, ["A", "B"], CATS, threshold=5)
    assert [s.text for s in big.cells.values()] == ["7", "10"] and big.totals["in beeld"].text == "17"


REPORTS = [  # reported by each municipality about itself, 2024-2025
    ("GM0344", "GM0344", "2024-2025", "in beeld", 40),  # Utrecht
    ("GM0310", "GM0310", "2024-2025", "in beeld", 3),  # De Bilt: small
    ("GM0355", "GM0355", "2024-2025", "in beeld", 9),  # Zeist
    ("GM0344", "GM0344", "2024-2025", "begeleid naar werk", 12),
]


def cells_of(html: str, name: str) -> str:
    """The text of the table row headed `name` (crude but enough: the row up to its end)."""
    start = html.index(f'<th scope="row">{name}</th>')
    return html[start:html.index("</tr>", start)]


def test_page_coordinator_sees_suppressed_figures_and_totals_that_give_nothing_away(world):
    world.add_counts(REPORTS)
    page = world.client("coord").get(f"{BASE}/").get_data(as_text=True)
    assert "<td>&lt;5</td>" in cells_of(page, "Gemeente De Bilt")
    assert "afgeschermd" in cells_of(page, "Gemeente Zeist")  # 52 - 40 - 9 would be De Bilt's 3
    assert "<td>40</td>" in cells_of(page, "Gemeente Utrecht")
    assert "<td>52</td>" in cells_of(page, "Totaal regio")
    assert ">3<" not in cells_of(page, "Gemeente De Bilt")


def test_page_reporting_municipality_sees_its_own_figure_and_others_stay_protected(world):
    world.add_counts(REPORTS)
    page = world.client("debilt").get(f"{BASE}/").get_data(as_text=True)
    assert "<td>3</td>" in cells_of(page, "Gemeente De Bilt")  # their own report
    assert "<td>9</td>" in cells_of(page, "Gemeente Zeist")  # nothing hidden that De Bilt does not know
    utrecht = world.client("utrecht_viewer").get(f"{BASE}/").get_data(as_text=True)
    assert "<td>&lt;5</td>" in cells_of(utrecht, "Gemeente De Bilt")
    assert "afgeschermd" in cells_of(utrecht, "Gemeente Zeist")
    admin = world.client("platform").get(f"{BASE}/").get_data(as_text=True)
    assert "<td>3</td>" in cells_of(admin, "Gemeente De Bilt")


def test_export_is_suppressed_the_same_way(world):
    world.add_counts(REPORTS)
    rows = read_workbook(published_export(world.client("coord")))
    assert rows[0] == HEADER
    in_beeld = {r[1]: r[4] for r in rows[1:] if r[3] == "in beeld"}
    assert in_beeld == {"GM0310": "<5", "GM0344": 40, "GM0355": "afgeschermd", "Totaal regio": 52}
    own = {r[1]: r[4] for r in read_workbook(published_export(world.client("debilt")))[1:] if r[3] == "in beeld"}
    assert own == {"GM0310": 3, "GM0344": 40, "GM0355": 9, "Totaal regio": 52}  # De Bilt's own figure


def test_threshold_is_a_region_setting(world):
    # rmc-12 (Twente) sets threshold = 10 in its fixture file
    world.add_counts([("MC12", "GM0153", "2024-K1", "in beeld", 8), ("MC12", "GM0141", "2024-K1", "in beeld", 7)],
                     region="rmc-12")
    from core.testing import login, make_user

    make_user(world.app, "lezer@twente.example", org="GM0153", role="viewer")
    client = world.app.test_client()
    login(client, "lezer@twente.example")
    page = client.get(f"/regio/rmc-12/kwetsbare_jongeren/").get_data(as_text=True)
    assert "<td>&lt;10</td>" in cells_of(page, "Gemeente Enschede")
    assert "<td>&lt;10</td>" in cells_of(page, "Gemeente Almelo")
