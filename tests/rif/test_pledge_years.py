"""A pledge per year (issue 25): the partner splits its pledge over the project's calendar years; the years must
add up to the pledge (a Dutch message at the field, nothing written) and are part of what its signatory confirms."""
from __future__ import annotations

import re

from .conftest import BASE, confirm_pledges, create, org_id, text


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_a_pledge_split_per_year_adds_up_and_is_confirmed_with_it(app, as_):
    app_id = create(app, as_, partners=(("25LH", "50.000,00", "50.000,00", False),))
    editor = as_("editor")
    base = {"partner": org_id(app, "90000012"), "pledged_cash": "0", "pledged_in_kind": "100.000,00"}
    # 2026 to 2028: three years
    page = text(editor.get(f"{BASE}/{app_id}"))
    assert 'id="year_in_kind_2026"' in page and 'id="year_in_kind_2028"' in page
    wrong = editor.post(f"{BASE}/{app_id}/partners", data={**base, "year_in_kind_2026": "40.000,00",
                                                           "year_in_kind_2027": "40.000,00"})
    assert wrong.status_code == 400
    assert "De verdeling per jaar (80.000,00) telt niet op tot de toezegging (100.000,00)." in words(wrong)
    assert "Zorggroep Vecht en Rijn" not in words(editor.get(f"{BASE}/{app_id}")).split("Partner toevoegen")[0]
    right = editor.post(f"{BASE}/{app_id}/partners", data={**base, "year_in_kind_2026": "40.000,00",
                                                           "year_in_kind_2027": "40.000,00",
                                                           "year_in_kind_2028": "20.000,00"})
    assert right.status_code == 303
    shown = words(editor.get(f"{BASE}/{app_id}"))
    assert "Per jaar: 2026 in geld € 0,00, in natura € 40.000,00; 2027" in shown
    agreement_id = confirm_pledges(app, as_, app_id)
    from .test_agreement import stored_agreement

    assert ("Zorggroep Vecht en Rijn (fictieve demowerkgever) (90000012): in geld € 0,00, in natura € 100.000,00 "
            "(per jaar: 2026 in geld € 0,00, in natura € 40.000,00; 2027 in geld € 0,00, in natura € 40.000,00; "
            "2028 in geld € 0,00, in natura € 20.000,00)") in stored_agreement(app, agreement_id)["terms"]["pledges"]
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
