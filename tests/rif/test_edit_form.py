"""The edit form keeps every saved choice (issue 25): the boxes come back ticked and a second save passes;
percentages on the pages are rounded half-up, not cut off."""
from __future__ import annotations

import re

from .conftest import BASE, application, create, set_status, text


def test_the_edit_form_shows_the_saved_sectors_and_target_groups_ticked(app, as_):
    app_id = create(app, as_)
    page = text(as_("editor").get(f"{BASE}/{app_id}/bewerken"))
    ticked = {(re.search(r'name="(\w+)"', tag).group(1), re.search(r'value="(\w+)"', tag).group(1))
              for tag in re.findall(r"<input [^>]*>", page) if 'type="checkbox"' in tag and " checked " in tag}
    assert ticked == {("sectors", "zorg_welzijn"), ("target_groups", "entree"), ("target_groups", "3")}
    assert 'value="2026-02-01"' in page and 'value="2028-01-31"' in page
    # Saving the form as shown (only the title changed) keeps everything.
    form = dict(title="Zorgtechnologie in de wijk 2", description="Studenten en zorgmedewerkers leren samen.",
                sectors=["zorg_welzijn"], target_groups=["entree", "3"], start="2026-02-01", end="2028-01-31",
                requested_subsidy="100.000,00", version="1")
    response = as_("editor").post(f"{BASE}/{app_id}/bewerken", data=form)
    assert response.status_code == 303, text(response)
    assert application(app).title == "Zorgtechnologie in de wijk 2"
    again = text(as_("editor").get(f"{BASE}/{app_id}/bewerken"))
    assert re.search(r'<input checked[^>]*value="zorg_welzijn"', again)


def test_a_share_on_the_overview_is_rounded_not_cut_off(app, as_):
    # one of three partner lines is mkb: 33,3%; two of three would be 66,7% (not 66,6%)
    app_id = create(app, as_, partners=(("25LH", "50.000,00", "50.000,00", True), ("90000012", "0", "50.000,00", True),
                               ("GM0344", "0", "50.000,00", False)))
    set_status(app, app_id, "ingediend")  # the overview counts submitted applications
    page = text(as_("coordinator").get(f"{BASE}/overzicht"))
    assert "66,7" in page and "66,6" not in page
