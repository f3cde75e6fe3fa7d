"""Choosing a partner among the region's organisations: a search that works without JavaScript, the RIF
consortium first."""
from __future__ import annotations

import re

from tests.core.agreements.conftest import add_consortium

from .conftest import BASE, create, text


def options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="partner".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_partner_picker_searches_by_name_code_and_kind_consortium_first(app, as_):
    app_id = create(app, as_, partners=())
    add_consortium(app, "rmc-19", "rif", ["GM0356"])  # Nieuwegein sits in the RIF consortium
    editor = as_("editor")
    assert options(text(editor.get(f"{BASE}/{app_id}")))[0] == "Gemeente Nieuwegein (GM0356, gemeente)"
    found = options(text(editor.get(f"{BASE}/{app_id}?q=domstad")))
    assert found == ["Bouwbedrijf Domstad (fictieve demowerkgever) (90000011, werkgever)"]
    assert options(text(editor.get(f"{BASE}/{app_id}?q=gm0344"))) == ["Gemeente Utrecht (GM0344, gemeente)"]
    schools = options(text(editor.get(f"{BASE}/{app_id}?kind=mbo")))
    assert schools and all(o.endswith(", mbo-instelling)") for o in schools)
