"""Issue 21: the list of applications shows at most LIST_PAGE_SIZE of them a page, with the total and a next page."""
from __future__ import annotations

import re
from html import unescape

from .conftest import BASE, create, text


def test_the_list_of_applications_is_paged_by_reference_with_its_total(app, as_):
    for _ in range(3):
        create(app, as_)
    app.config["LIST_PAGE_SIZE"] = 2
    coordinator = as_("coordinator")
    first = text(coordinator.get(f"{BASE}/"))
    assert "RIF-MC19-0001" in first and "RIF-MC19-0002" in first and "RIF-MC19-0003" not in first
    assert "2 van 3 rijen op deze pagina (hoogstens 2 per pagina)" in first
    html = coordinator.get(f"{BASE}/").get_data(as_text=True)
    following = unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))
    second = text(coordinator.get(following))
    assert "RIF-MC19-0003" in second and "RIF-MC19-0001" not in second and "Eerste pagina" in second
    assert "Volgende pagina" not in second
    # Who may not see them gets no page of them either.
    assert "RIF-MC19" not in text(as_("other_mbo").get(following))
