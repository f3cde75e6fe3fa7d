"""The SVG chart helper instruments use for dashboards."""
from decimal import Decimal

from core.charts import Series, bar_chart


def test_chart_is_an_image_with_title_description_and_labelled_values():
    svg = bar_chart("Nieuwe mbo'ers", "Realisatie tegen streefwaarde per schooljaar",
                    ["2023-2024", "2024-2025"], [Series("Realisatie", (812, 640))],
                    target=Series("Streefwaarde", (700, None)))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=" in svg and "<desc id=" in svg
    assert "Nieuwe mbo&#39;ers" in svg  # text is escaped
    # Every bar and target mark names its series, category and value (not colour alone).
    assert "Realisatie, 2023-2024: 812" in svg
    assert "Realisatie, 2024-2025: 640" in svg
    assert "Streefwaarde, 2023-2024: 700" in svg
    assert "Streefwaarde, 2024-2025" not in svg  # no target, no mark
    assert "(streepjeslijn)" in svg


def test_chart_writes_decimals_the_dutch_way_and_survives_no_data():
    svg = bar_chart("Percentage", "Aandeel", ["2024-2025"], [Series("Aandeel", (Decimal("12.50"),))], unit="%")
    assert "Aandeel, 2024-2025: 12,5%" in svg
    empty = bar_chart("Leeg", "Nog geen cijfers", [], [Series("Realisatie", ())])
    assert empty.endswith("</svg>")
    assert "<script" not in bar_chart("<script>", "<script>", ["<b>"], [Series("<i>", (1,))])


# --- every label inside the box; money and percentages the Dutch way ------------------------------------------

from tests.chart_geometry import assert_all_text_inside  # noqa: E402

NBSP = "\u00a0"


def test_large_amounts_are_dutch_money_and_fit_beside_the_axis():
    svg = bar_chart("Cofinanciering", "Toegezegd en geleverd", ["Project A-0001", "Project A-0002"],
                    [Series("Toegezegd", (Decimal("270000.00"), Decimal("12345678"))),
                     Series("Geleverd", (Decimal("197000.50"), None))], unit="€")
    texts = assert_all_text_inside(svg)
    # the euro sign before the amount, Dutch thousands separators, no cents on whole amounts
    assert "€ 12.345.678" in texts and "€ 0" in texts and "€ 6.172.839" in texts
    assert f"Toegezegd, Project A-0001: €{NBSP}270.000<" in svg
    assert f"Geleverd, Project A-0001: €{NBSP}197.000,50<" in svg
    assert "000€" not in svg


def test_long_category_labels_wrap_under_their_bars_inside_the_box():
    sectors = ["Techniek", "Zorg en welzijn", "Bouw en infra", "ICT", "Logistiek", "Voedsel en groen",
               "Economie en handel", "Energie en duurzaamheid", "Creatieve industrie", "Horeca en toerisme",
               "Personeel (uren docenten en praktijkopleiders)", "Arbeidsmarktgerelateerdonderwijsprogramma"]
    svg = bar_chart("Aanvragen per sector", "Aantal per sector", sectors,
                    [Series("Aanvragen", tuple(range(1, len(sectors) + 1)))])
    texts = assert_all_text_inside(svg)
    for word in ("duurzaamheid", "praktijkopleiders)", "Arbeidsmarktgerelateerdonderwijsprogramma"):
        assert any(word in t for t in texts), word  # wrapped, never cut off


def test_percentages_are_rounded_half_up_with_one_decimal():
    svg = bar_chart("Aandeel", "Aandeel per regio", ["Utrecht", "Rijnmond"],
                    [Series("Mkb", (Decimal(2) * 100 / 12, 6.25))], unit="%")
    assert "Mkb, Utrecht: 16,7%<" in svg  # 2 of 12, never cut off to 16,6%
    assert "Mkb, Rijnmond: 6,3%<" in svg  # half-up, where Babel alone would round half-even to 6,2%
    assert_all_text_inside(svg)


def test_a_long_legend_wraps_onto_rows_inside_the_box():
    names = [f"Reeks met een heel lange naam nummer {i}" for i in range(1, 6)]
    svg = bar_chart("Veel reeksen", "Vijf reeksen", ["2024", "2025"],
                    [Series(n, (1000 * i, 12345678)) for i, n in enumerate(names, 1)],
                    target=Series("Afgesproken maximum voor de hele regio", (5000, 9000)))
    texts = assert_all_text_inside(svg)
    assert all(n in texts for n in names) and "Afgesproken maximum voor de hele regio (streepjeslijn)" in texts
