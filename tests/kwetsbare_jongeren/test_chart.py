"""The dashboard's chart: the five categories' legend entries all shown, inside the chart's box."""
from __future__ import annotations

import re

from plugins.kwetsbare_jongeren.models import CATEGORY_LABELS
from tests.chart_geometry import assert_all_text_inside

from .conftest import BASE
from .test_language import COUNTS, english


def _chart(page: str) -> str:
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', page, re.S)
    assert len(charts) == 1
    return charts[0]


def test_every_category_is_in_the_legend_inside_the_chart(world):
    world.add_counts(COUNTS)
    texts = assert_all_text_inside(_chart(world.client("coord").get(f"{BASE}/").get_data(as_text=True)))
    for label in ("In beeld", "Begeleid naar onderwijs", "Begeleid naar werk",
                  "Begeleid naar zorg of dagbesteding", "Zonder passend aanbod"):
        assert label in texts, label  # whole, never cut off
    assert len(CATEGORY_LABELS) == 5
    english_texts = assert_all_text_inside(_chart(english(world.client("coord")).get(f"{BASE}/")
                                                  .get_data(as_text=True)))
    assert "Without suitable provision" in english_texts
