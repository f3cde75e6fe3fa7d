"""Drafting an agenda through the pages: periods and priorities from the region's settings, goals with a
baseline, a target per year and a Decimal budget; bad input is a Dutch message at its field, nothing written."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest

from .conftest import BASE, GOAL, counts, org_id, stored, table


def test_institution_drafts_an_agenda_with_goals_and_budget(app, client_of, agenda):
    goals = stored(app, "Goal")
    assert len(goals) == 1
    goal = goals[0]
    assert goal["baseline"] == Decimal("9.50") and goal["lower_is_better"] is True
    assert goal["targets"] == {"2024": "9", "2025": "8.5", "2026": "8", "2027": "7.5"}
    assert goal["investment"] == Decimal("250000.00") and goal["result_dependent"] == Decimal("50000.00")
    page = client_of("roc").get(f"{BASE}/agenda/{agenda}").get_data(as_text=True)
    rows = table(page, "kwaliteitsagenda-doelen")
    assert rows[1][0] == "K1 Minder uitval in de entree" and rows[1][1] == "Kansengelijkheid"
    assert "nog geen realisatie" in rows[1]


def test_the_periods_and_priorities_come_from_the_region_settings(app, client_of, agenda):
    roc = client_of("roc")
    new = roc.get(f"{BASE}/agenda/nieuw").get_data(as_text=True)
    assert "2024-2027" in new and "2015-2018" in new
    form = roc.get(f"{BASE}/agenda/{agenda}/doel/nieuw").get_data(as_text=True)
    for priority in ("Kansengelijkheid", "Aansluiting onderwijs-arbeidsmarkt", "Kwaliteit, onderzoek en innovatie"):
        assert priority in form
    assert "Taal en rekenen" not in form  # a theme of 2015-2018
    assert "Richtpunt 2027" in form and "Richtpunt 2028" not in form


def test_a_second_agenda_for_the_same_period_is_refused(app, client_of, agenda):
    before = counts(app)
    response = client_of("roc").post(f"{BASE}/agenda/nieuw",
                                     data={"organisation": org_id(app, "25LH"), "period": "2024-2027"})
    assert response.status_code == 400
    assert "heeft al een kwaliteitsagenda 2024-2027" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize("change, field_id, message", [
    ({"baseline": ""}, "baseline", "een richtpunt zonder startmeting kan niet"),
    ({"investment": "-5"}, "investment", "Investeringsbudget (euro) kan niet negatief zijn"),
    ({"result_dependent": "veel"}, "result_dependent", "'veel' is geen bedrag"),
    ({"investment": "10,123"}, "investment", "hoogstens twee decimalen"),
    ({"priority": "Taal en rekenen"}, "priority", "Prioriteit 'Taal en rekenen' hoort niet bij de periode 2024-2027"),
    ({"target_2025": "acht"}, "target_2025", "'acht' is geen getal"),
    ({key: "" for key in ("target_2024", "target_2025", "target_2026", "target_2027")}, "target_2024",
     "Vul ten minste één richtpunt in"),
    ({"code": "K1"}, "code", "Code K1 staat al in deze agenda"),
])
def test_bad_goal_input_is_named_at_its_field_and_nothing_is_written(app, client_of, agenda, change, field_id,
                                                                     message):
    before = counts(app)
    response = client_of("roc").post(f"{BASE}/agenda/{agenda}/doel/nieuw", data={**GOAL, "code": "K2", **change})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert f'href="#{field_id}"' in page  # the error summary links to the field
    assert counts(app) == before


def test_a_period_the_region_does_not_have_is_refused(app, client_of):
    before = counts(app)
    response = client_of("roc").post(f"{BASE}/agenda/nieuw",
                                     data={"organisation": org_id(app, "25LH"), "period": "2030-2033"})
    assert response.status_code == 400
    assert "Periode 2030-2033 is geen periode waarvoor deze regio agenda's opstelt" in \
        html.unescape(response.get_data(as_text=True))
    assert counts(app) == before


def test_another_institution_cannot_touch_the_agenda(app, client_of, agenda):
    yuverta = client_of("yuverta")
    assert yuverta.get(f"{BASE}/agenda/{agenda}").status_code == 404
    before = counts(app)
    assert yuverta.post(f"{BASE}/agenda/{agenda}/doel/nieuw", data={**GOAL, "code": "K2"}).status_code == 404
    assert counts(app) == before


def test_a_goal_saved_by_someone_else_in_between_is_not_overwritten(app, client_of, agenda):
    goal_id = stored(app, "Goal")[0]["id"]
    roc = client_of("roc")
    first = roc.post(f"{BASE}/agenda/{agenda}/doel/{goal_id}", data={**GOAL, "title": "Eerste", "version": "1"})
    assert first.status_code == 303
    before = stored(app, "Goal")
    late = roc.post(f"{BASE}/agenda/{agenda}/doel/{goal_id}", data={**GOAL, "title": "Tweede", "version": "1"})
    assert late.status_code == 409
    assert "Eerste" in late.get_data(as_text=True)  # the stored value is shown beside the user's input
    assert stored(app, "Goal") == before
