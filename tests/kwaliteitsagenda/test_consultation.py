"""Regional consultation and consent are recorded, not claimed; the agreement only with consent recorded."""
from __future__ import annotations

from sqlalchemy import select

from .conftest import BASE, counts, join_consortium, org_id, stored, table


def invite(app, client_of, agenda, identifier="GM0344"):
    response = client_of("roc").post(f"{BASE}/agenda/{agenda}/uitnodigen",
                                     data={"organisation": org_id(app, identifier)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return stored(app, "Response")[-1]["id"]


def test_a_response_is_stored_and_visible_to_the_coordinator_not_to_another_region(app, client_of, agenda):
    response_id = invite(app, client_of, agenda)
    gemeente = client_of("gemeente")
    assert "Minder uitval in de entree" in gemeente.get(f"{BASE}/reactie/{response_id}").get_data(as_text=True)
    answer = gemeente.post(f"{BASE}/reactie/{response_id}",
                           data={"decision": "opmerkingen", "text": "Meer aandacht voor de entree in Nieuwegein."})
    assert answer.status_code == 303
    row = stored(app, "Response")[0]
    assert row["decision"] == "opmerkingen" and row["responded_on"] is not None
    page = client_of("coordinator").get(f"{BASE}/agenda/{agenda}").get_data(as_text=True)
    rows = table(page, "kwaliteitsagenda-reacties")
    assert rows[1][0] == "Gemeente Utrecht" and rows[1][2] == "Opmerkingen"
    assert "Meer aandacht voor de entree in Nieuwegein." in rows[1][4]
    # The institution reads it too; another region's coordinator sees nothing of it.
    assert "Meer aandacht voor de entree" in client_of("roc").get(f"{BASE}/agenda/{agenda}").get_data(as_text=True)
    other = client_of("coordinator29")
    assert other.get(f"{BASE}/agenda/{agenda}").status_code == 404
    assert other.get(f"{BASE}/reactie/{response_id}").status_code == 404
    assert other.get(f"/regio/rmc-29/kwaliteitsagenda/agenda/{agenda}").status_code == 404
    assert other.get(f"/regio/rmc-29/kwaliteitsagenda/reactie/{response_id}").status_code == 404
    assert "Nieuwegein" not in other.get("/regio/rmc-29/kwaliteitsagenda/").get_data(as_text=True)


def test_only_the_invited_organisation_responds(app, client_of, agenda):
    response_id = invite(app, client_of, agenda)
    before = counts(app)
    assert client_of("gemeente_viewer").post(f"{BASE}/reactie/{response_id}",
                                             data={"decision": "akkoord"}).status_code == 403
    assert client_of("yuverta").post(f"{BASE}/reactie/{response_id}",
                                     data={"decision": "akkoord"}).status_code == 404
    assert counts(app) == before


def test_remarks_without_text_are_refused(app, client_of, agenda):
    response_id = invite(app, client_of, agenda)
    before = counts(app)
    page = client_of("gemeente").post(f"{BASE}/reactie/{response_id}", data={"decision": "opmerkingen"})
    assert page.status_code == 400 and "Schrijf uw opmerkingen op." in page.get_data(as_text=True)
    assert counts(app) == before


def test_consent_is_recorded_with_date_decision_and_who(app, client_of, consented):
    agenda = stored(app, "Agenda")[0]
    assert agenda["works_council_decision"] == "instemming" and str(agenda["works_council_date"]) == "2025-01-10"
    assert agenda["student_council_by"] == "bestuur@rocmn.example"
    # An editor has no role for it.
    assert client_of("roc").post(f"{BASE}/agenda/{consented}/instemming", data={
        "body": "works_council", "decided_on": "2025-01-10", "decision": "geen_instemming"}).status_code == 403


def test_no_signing_without_recorded_consent(app, client_of, agenda):
    join_consortium(app, "rmc-19", "25LH", "MC19")
    admin = client_of("roc_admin")
    admin.post(f"{BASE}/agenda/{agenda}/instemming",
               data={"body": "works_council", "decided_on": "2025-01-10", "decision": "instemming"})
    before = counts(app)
    refused = admin.post(f"{BASE}/agenda/{agenda}/ondertekening")
    assert refused.status_code == 409
    assert "pas ter ondertekening worden aangeboden als de instemming" in refused.get_data(as_text=True)
    assert counts(app) == before
    admin.post(f"{BASE}/agenda/{agenda}/instemming",
               data={"body": "student_council", "decided_on": "2025-01-12", "decision": "geen_instemming"})
    assert admin.post(f"{BASE}/agenda/{agenda}/ondertekening").status_code == 409  # a refusal is no consent


def test_with_consent_the_agenda_becomes_a_core_agreement(app, client_of, consented):
    join_consortium(app, "rmc-19", "25LH", "MC19")
    response = client_of("roc_admin").post(f"{BASE}/agenda/{consented}/ondertekening")
    assert response.status_code == 303
    from core.agreements.models import Agreement
    from core.db import db_session

    with app.app_context():
        agreement = db_session().scalar(select(Agreement))
        assert agreement.instrument_key == "kwaliteitsagenda"
        assert agreement.latest.terms["period"] == "2024-2027" and agreement.latest.terms["goals"] == 1
        assert agreement.latest.terms["works_council_consent"] == "2025-01-10"
        assert "K1 Minder uitval in de entree" in agreement.latest.text
        agreement_id = agreement.id
    assert response.headers["Location"].endswith(f"/overeenkomsten/kwaliteitsagenda/{agreement_id}") or \
        str(agreement_id) in response.headers["Location"]
    assert stored(app, "Agenda")[0]["agreement_id"] == agreement_id
    # The consent and the goals are now fixed (the concept's text is the goals'), and a second agreement is refused.
    assert client_of("roc_admin").post(f"{BASE}/agenda/{consented}/ondertekening").status_code == 409
    goal_id = stored(app, "Goal")[0]["id"]
    edit = client_of("roc").post(f"{BASE}/agenda/{consented}/doel/{goal_id}", data={"title": "Anders", "version": "1"})
    assert edit.status_code == 409 and "de doelen liggen vast" in edit.get_data(as_text=True)
    assert client_of("roc_admin").post(f"{BASE}/agenda/{consented}/instemming", data={
        "body": "works_council", "decided_on": "2025-01-10", "decision": "geen_instemming"}).status_code == 409


def test_signing_needs_the_institution_in_the_consortium(app, client_of, consented):
    before = counts(app)
    response = client_of("roc_admin").post(f"{BASE}/agenda/{consented}/ondertekening")
    assert response.status_code == 409
    assert "Geen lid van het consortium" in response.get_data(as_text=True)
    assert counts(app) == before


def test_the_signed_agenda_is_a_frozen_core_agreement_and_its_goals_are_fixed(app, client_of, consented):
    """Sent for signing on the core's agreement page and signed by both parties: in force, with a fingerprint;
    from the moment it is sent, the agenda's goals no longer change."""
    from core.agreements.models import Agreement
    from core.db import db_session
    from core.testing import DEFAULT_PASSWORD

    join_consortium(app, "rmc-19", "25LH", "MC19")
    assert client_of("roc_admin").post(f"{BASE}/agenda/{consented}/ondertekening").status_code == 303
    with app.app_context():
        agreement = db_session().scalar(select(Agreement))
        agreement_id, concept = agreement.id, agreement.latest.fingerprint
    url = f"/regio/rmc-19/afspraken/kwaliteitsagenda/{agreement_id}"
    assert client_of("coordinator").post(f"{url}/versturen", data={"basis": concept}).status_code == 302
    goal_id = stored(app, "Goal")[0]["id"]
    before = stored(app, "Goal")
    edit = client_of("roc").post(f"{BASE}/agenda/{consented}/doel/{goal_id}", data={"title": "Anders", "version": "1"})
    assert edit.status_code == 409 and "de doelen liggen vast" in edit.get_data(as_text=True)
    assert stored(app, "Goal") == before
    with app.app_context():
        version = db_session().get(Agreement, agreement_id).latest
        fingerprint = version.fingerprint
    for who, identifier in (("roc_admin", "25LH"), ("coordinator", "MC19")):
        signed = client_of(who).post(f"{url}/ondertekenen", data={
            "fingerprint": fingerprint, "organisation": org_id(app, identifier), "agree": "y",
            "password": DEFAULT_PASSWORD})
        assert signed.status_code in (302, 303), signed.get_data(as_text=True)[:2000]
    with app.app_context():
        agreement = db_session().get(Agreement, agreement_id)
        assert agreement.status == "van_kracht" and agreement.in_force.fingerprint == fingerprint
    rows = table(client_of("coordinator").get(f"{BASE}/").get_data(as_text=True), "kwaliteitsagenda-agendas")
    assert "overeenkomst: van kracht" in rows[1][3]
