"""The commission (platform_role "assessor") assesses an agenda: initial, midterm, final, each stored once with
its date and budget consequence; an assessed version cannot change; regional users cannot assess."""
from __future__ import annotations

import html
from decimal import Decimal

from .conftest import BASE, GOAL, counts, stored, table

ASSESSMENT = {"kind": "initieel", "verdict": "voldoende", "budget_consequence": "250.000,00"}


def reason(app, text):
    goal_id = stored(app, "Goal")[0]["id"]
    return {f"reason_{goal_id}": text}


def test_the_assessor_scores_the_agenda_with_reasons_and_budget(app, client_of, agenda):
    assessor = client_of("assessor")
    assert assessor.get(f"{BASE}/").status_code == 200  # every region, without a membership
    page = assessor.get(f"{BASE}/agenda/{agenda}/beoordeling")
    assert page.status_code == 200 and "Beoordeling vastleggen" in page.get_data(as_text=True)
    response = assessor.post(f"{BASE}/agenda/{agenda}/beoordeling",
                             data={**ASSESSMENT, **reason(app, "Richtpunt ambitieus en haalbaar.")})
    assert response.status_code == 303
    [row] = stored(app, "Assessment")
    assert row["kind"] == "initieel" and row["verdict"] == "voldoende"
    assert row["budget_consequence"] == Decimal("250000.00") and row["assessed_on"] is not None
    assert row["reasons"] == {"K1": "Richtpunt ambitieus en haalbaar."}
    assert row["assessor"] == "commissie@platform.example"
    shown = table(client_of("roc").get(f"{BASE}/agenda/{agenda}").get_data(as_text=True),
                  "kwaliteitsagenda-beoordelingen")
    assert shown[1][:3] == ["Beoordeling van de agenda", shown[1][1], "Voldoende"]
    assert "K1: Richtpunt ambitieus en haalbaar." in shown[1][4]


def test_an_assessed_version_cannot_change(app, client_of, agenda):
    assert client_of("assessor").post(f"{BASE}/agenda/{agenda}/beoordeling", data=ASSESSMENT).status_code == 303
    goal_id = stored(app, "Goal")[0]["id"]
    before, goals = counts(app), stored(app, "Goal")
    roc = client_of("roc")
    edit = roc.post(f"{BASE}/agenda/{agenda}/doel/{goal_id}", data={**GOAL, "title": "Iets anders"})
    assert edit.status_code == 409
    assert "een beoordeelde versie kan niet meer veranderen" in edit.get_data(as_text=True)
    assert roc.post(f"{BASE}/agenda/{agenda}/doel/nieuw", data={**GOAL, "code": "K2"}).status_code == 409
    consent = client_of("roc_admin").post(f"{BASE}/agenda/{agenda}/instemming", data={
        "body": "works_council", "decided_on": "2025-01-10", "decision": "instemming"})
    assert consent.status_code == 409
    # The assessment itself is stored once: a second initial assessment is refused.
    again = client_of("assessor").post(f"{BASE}/agenda/{agenda}/beoordeling",
                                       data={**ASSESSMENT, "verdict": "onvoldoende", **reason(app, "Toch niet.")})
    assert again.status_code == 400
    assert "is al vastgelegd; een beoordeling verandert niet meer" in html.unescape(again.get_data(as_text=True))
    assert counts(app) == before and stored(app, "Goal") == goals


def test_midterm_and_final_follow_in_order_with_their_budget_consequence(app, client_of, agenda):
    assessor = client_of("assessor")
    early = assessor.post(f"{BASE}/agenda/{agenda}/beoordeling", data={**ASSESSMENT, "kind": "tussentijds"})
    assert early.status_code == 400 and "Eerst komt de beoordeling van de agenda" in early.get_data(as_text=True)
    assert stored(app, "Assessment") == []
    assert assessor.post(f"{BASE}/agenda/{agenda}/beoordeling", data=ASSESSMENT).status_code == 303
    midterm = {"kind": "tussentijds", "verdict": "onvoldoende", "budget_consequence": "20000",
               **reason(app, "Uitval daalt niet.")}
    assert assessor.post(f"{BASE}/agenda/{agenda}/beoordeling", data=midterm).status_code == 303
    assert assessor.post(f"{BASE}/agenda/{agenda}/beoordeling",
                         data={**ASSESSMENT, "kind": "eind", "budget_consequence": "0"}).status_code == 303
    rows = stored(app, "Assessment")
    assert [(r["kind"], r["verdict"], r["budget_consequence"]) for r in rows] == [
        ("initieel", "voldoende", Decimal("250000.00")), ("tussentijds", "onvoldoende", Decimal("20000.00")),
        ("eind", "voldoende", Decimal("0.00"))]
    assert len({r["fingerprint"] for r in rows}) == 1  # the same, unchanged version


def test_bad_assessment_input_writes_nothing(app, client_of, agenda):
    before = counts(app)
    assessor = client_of("assessor")
    negative = assessor.post(f"{BASE}/agenda/{agenda}/beoordeling", data={**ASSESSMENT, "budget_consequence": "-1"})
    assert negative.status_code == 400 and "kan niet negatief zijn" in negative.get_data(as_text=True)
    no_reason = assessor.post(f"{BASE}/agenda/{agenda}/beoordeling", data={**ASSESSMENT, "verdict": "onvoldoende"})
    assert no_reason.status_code == 400 and "Geef bij een onvoldoende per doel de redenen." in \
        no_reason.get_data(as_text=True)
    assert counts(app) == before


def test_regional_users_cannot_assess(app, client_of, agenda):
    before = counts(app)
    for who in ("coordinator", "roc_admin"):
        client = client_of(who)
        page = client.get(f"{BASE}/agenda/{agenda}/beoordeling").get_data(as_text=True)
        assert "Beoordeling vastleggen</button>" not in page
        assert client.post(f"{BASE}/agenda/{agenda}/beoordeling", data=ASSESSMENT).status_code == 403
    assert client_of("coordinator29").post(f"{BASE}/agenda/{agenda}/beoordeling", data=ASSESSMENT).status_code == 404
    assert counts(app) == before


def test_the_ministry_reads_every_agenda_and_writes_nothing(app, client_of, agenda):
    ministry = client_of("ministry")
    assert ministry.get(f"{BASE}/agenda/{agenda}").status_code == 200
    assert ministry.get("/regio/rmc-29/kwaliteitsagenda/").status_code == 200
    before = counts(app)
    assert ministry.post(f"{BASE}/agenda/{agenda}/beoordeling", data=ASSESSMENT).status_code == 403
    assert ministry.post(f"{BASE}/agenda/{agenda}/doel/nieuw", data={**GOAL, "code": "K2"}).status_code == 403
    assert counts(app) == before
