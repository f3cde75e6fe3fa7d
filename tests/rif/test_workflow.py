"""The application workflow through the pages, with its permissions per role and state."""
from __future__ import annotations

import re
from decimal import Decimal as D

from .conftest import BASE, appoint, application, create, decide, grant, midterm_open, text, confirm_pledges


def test_the_page_shows_computed_totals_and_refuses_to_submit_over_one_third(app, as_):
    app_id = create(app, as_, subsidy="100.000,01")  # costs 300.000,00: the maximum is 100.000,00
    page = text(as_("editor").get(f"{BASE}/{app_id}"))
    assert "€ 300.000,00" in page and "€ 100.000,00" in page and "(meer dan een derde)" in page
    response = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert response.status_code == 400
    assert ("De aangevraagde subsidie (€ 100.000,01) is meer dan een derde van de projectkosten (€ 300.000,00); "
            "het maximum is € 100.000,00.") in text(response)
    assert application(app).status == "concept"
    # One cent less is exactly a third: now it can be submitted.
    edit = dict(title="Zorgtechnologie in de wijk", description="Samen leren.", sectors=["zorg_welzijn"],
                target_groups=["3"], start="2026-02-01", end="2028-01-31", requested_subsidy="100.000,00",
                version="1")
    assert as_("editor").post(f"{BASE}/{app_id}/bewerken", data=edit).status_code == 303
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    assert application(app).status == "ingediend"
    assert application(app).subsidy == D("100000.00")


def test_short_co_financing_is_named_to_the_cent(app, as_):
    app_id = create(app, as_, partners=(("25LH", "50.000,00", "49.999,99", False),
                                        ("90000012", "0", "100.000,00", False)))
    response = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert response.status_code == 400
    assert "er ontbreekt € 0,01" in text(response)
    assert application(app).status == "concept"


def test_bad_amount_gets_a_dutch_message_next_to_the_field_and_nothing_is_stored(app, as_):
    app_id = create(app, as_)
    response = as_("editor").post(f"{BASE}/{app_id}/begroting", data={"category": "personeel", "amount": "12,345"})
    assert response.status_code == 400
    page = text(response)
    assert "'12,345' is geen bedrag in euro met hoogstens twee decimalen" in page
    assert 'class="error-summary"' in page and 'id="amount-error"' in page
    assert "€ 300.000,00" in page  # the costs did not change


def test_only_the_penvoerders_signatory_submits_and_only_assessors_assess(app, as_):
    app_id = create(app, as_)
    assert as_("editor").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 403
    assert as_("partner").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 403
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    # Submitted: nobody edits any more.
    assert as_("editor").post(f"{BASE}/{app_id}/begroting",
                              data={"category": "overig", "amount": "10"}).status_code == 409
    appoint(as_, "assessor", "assessor_partner")
    # A partner cannot assess, not even when appointed assessor; nor can the penvoerder or the coordinator.
    for name in ("partner", "assessor_partner", "signatory", "coordinator"):
        response = as_(name).post(f"{BASE}/{app_id}/status", data={"to": "in_beoordeling"})
        assert response.status_code == 403, name
    assert "kunt haar daarom niet beoordelen" in text(as_("assessor_partner").get(f"{BASE}/{app_id}"))
    assessor = as_("assessor")
    # Nobody in a region grants: the status button is gone, and only the ministry decides.
    assert assessor.post(f"{BASE}/{app_id}/status", data={"to": "toegekend"}).status_code == 400
    assert assessor.post(f"{BASE}/{app_id}/status", data={"to": "in_beoordeling"}).status_code == 303
    response = decide(as_, app_id)
    assert response.status_code == 409
    assert "De commissie heeft nog niet alle criteria gescoord" in text(response)
    scores = {"score_samenwerking": "4", "score_arbeidsmarkt": "5", "score_onderwijs": "3",
              "score_duurzaamheid": "4", "score_entree": "5"}
    assert as_("partner").post(f"{BASE}/{app_id}/beoordeling", data=scores).status_code == 403
    assert assessor.post(f"{BASE}/{app_id}/beoordeling", data=scores).status_code == 303
    page = text(assessor.get(f"{BASE}/{app_id}"))
    # Entree is a target group: its weight 1 counts twice. 4*2 + 5*2 + 3*2 + 4*2 + 5*2 = 42 of 50.
    assert "42 van 50" in page
    assert "Toekennen" not in page and "Besluit vastleggen" not in page
    for name in ("assessor", "coordinator", "signatory", "committee"):
        assert decide(as_, app_id, who=name).status_code == 403, name
    assert application(app).status == "in_beoordeling"
    assert "Besluit vastleggen" in text(as_("ministry").get(f"{BASE}/{app_id}"))
    assert decide(as_, app_id).status_code == 303
    assert application(app).status == "toegekend"
    assert application(app).scores["duurzaamheid"] == 4


def test_assessors_see_submitted_applications_only_in_their_region(app, as_):
    app_id = create(app, as_)
    appoint(as_, "assessor")
    appoint(as_, "rijnmond_assessor", region="rmc-29", by="rijnmond_coordinator")
    assert as_("assessor").get(f"{BASE}/{app_id}").status_code == 404  # a concept is the penvoerder's
    confirm_pledges(app, as_, app_id)
    as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert as_("assessor").get(f"{BASE}/{app_id}").status_code == 200
    assert "RIF-MC19-0001" in text(as_("assessor").get(f"{BASE}/"))
    # An assessor of Rijnmond does not even see the region Utrecht, nor the application through Rijnmond.
    other = as_("rijnmond_assessor")
    assert other.get(f"{BASE}/{app_id}").status_code == 404
    assert other.post(f"{BASE}/{app_id}/status", data={"to": "in_beoordeling"}).status_code == 404
    assert other.get(f"/regio/rmc-29/rif/{app_id}").status_code == 404
    assert "RIF-MC19" not in text(other.get("/regio/rmc-29/rif/"))


def test_other_organisations_do_not_see_an_application_but_partners_do(app, as_):
    app_id = create(app, as_)
    assert as_("other_mbo").get(f"{BASE}/{app_id}").status_code == 404
    assert "RIF-MC19-0001" not in text(as_("other_mbo").get(f"{BASE}/"))
    assert as_("partner").get(f"{BASE}/{app_id}").status_code == 200
    assert as_("coordinator").get(f"{BASE}/{app_id}").status_code == 200
    # Seeing is not editing.
    assert as_("partner").post(f"{BASE}/{app_id}/begroting",
                               data={"category": "overig", "amount": "10"}).status_code == 403
    assert as_("other_mbo").post(f"{BASE}/{app_id}/begroting",
                                 data={"category": "overig", "amount": "10"}).status_code == 404
    # Only the coordinator appoints assessors.
    assert as_("editor").post(f"{BASE}/beoordelaars", data={"email": "x@rif.example"}).status_code == 403


# The project runs from 2026-02-01 to 2028-01-31: its midterm window opens halfway, on 2027-01-31.
@midterm_open()
def test_midterm_delivered_next_to_pledged_then_closed(app, as_):
    from core.db import db_session
    from plugins.rif.models import Partner

    app_id = create(app, as_)
    grant(app, as_, app_id)
    # Submitting the midterm report needs a reflection first.
    response = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "tussentijdse_verantwoording"})
    assert response.status_code == 400 and "Vul eerst de tussentijdse verantwoording in" in text(response)
    with app.app_context():
        lines = {p.partner.identifier: p.id for p in db_session().query(Partner)}
    data = {"reflection": "De zorggroep levert minder uren door personeelstekort.", "adjustments": "Extra stagiairs.",
            f"delivered_cash_{lines['25LH']}": "25.000,00", f"delivered_in_kind_{lines['25LH']}": "45.000,00",
            f"delivered_in_kind_{lines['90000012']}": "79.999,99"}
    assert as_("partner").post(f"{BASE}/{app_id}/verantwoording", data=data).status_code == 403
    assert as_("editor").post(f"{BASE}/{app_id}/verantwoording", data=data).status_code == 303
    page = text(as_("editor").get(f"{BASE}/{app_id}"))
    assert "90,0%" in page  # 45.000 of 50.000 in kind
    assert "<mark>79,9% (onder 80%)</mark>" in page  # 79.999,99 of 100.000: one cent short of 80%
    overview = text(as_("coordinator").get(f"{BASE}/overzicht"))
    assert "In natura per partner" in overview and "ROC Midden Nederland" in overview
    assert "Projecten met de entree-doelgroep" in overview and "1 van 1 (100,0%)" in overview
    assert as_("signatory").post(f"{BASE}/{app_id}/status",
                                 data={"to": "tussentijdse_verantwoording"}).status_code == 303
    assert as_("assessor").post(f"{BASE}/{app_id}/status", data={"to": "afgerond"}).status_code in (403, 404)
    # the final account waits for the project's end (tests/rif/test_deadlines.py files it)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "afgerond"}).status_code == 400
    done = application(app)
    assert done.status == "tussentijdse_verantwoording"
    assert done.partners["90000012"].delivered_in_kind == D("79999.99")


def test_every_transition_is_audited(app, as_):
    from sqlalchemy import select

    from core.audit.models import AuditEntry
    from core.db import db_session

    app_id = create(app, as_)
    confirm_pledges(app, as_, app_id)
    as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    with app.app_context():
        entries = db_session().scalars(select(AuditEntry).where(AuditEntry.object_type == "rif_application",
                                                                AuditEntry.action == "update")).all()
    changes = [(e.before.get("status"), e.after.get("status"), e.actor) for e in entries if "status" in e.after]
    assert ("concept", "ingediend", "signatory@rif.example") in changes
    assert "Ingediend" in text(as_("editor").get(f"{BASE}/{app_id}"))  # the history on the page


def test_an_edit_over_someone_elses_newer_save_is_refused_with_the_stored_application(app, as_):
    """No lost update: the edit form carries the version it showed; a save over a newer one changes nothing."""
    app_id = create(app, as_)
    edit = dict(title="Eerste titel", description="Samen leren.", sectors=["zorg_welzijn"], target_groups=["3"],
                start="2026-02-01", end="2028-01-31", requested_subsidy="1.000,00", version="1")
    assert as_("editor").post(f"{BASE}/{app_id}/bewerken", data=edit).status_code == 303
    refused = as_("editor").post(f"{BASE}/{app_id}/bewerken", data={**edit, "title": "Tweede titel"})
    assert refused.status_code == 409
    page = text(refused)
    assert "Iemand anders heeft dit intussen gewijzigd" in page and "Eerste titel" in page
    assert "Sectoren Zorg en welzijn" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert application(app).title == "Eerste titel"
