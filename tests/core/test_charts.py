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
