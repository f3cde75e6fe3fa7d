"""The ministry decides (issue 25): the national committee (platform role assessor) scores in every region
without an appointment; the ministry records the grant or refusal with its date, amount and reasons (audited);
the region's users read the outcome and cannot make it."""
from __future__ import annotations

import re

from sqlalchemy import select

from .conftest import BASE, application, assess, confirm_pledges, create, decide, submit, text


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_the_committee_scores_and_the_ministry_grants_with_date_amount_and_reasons(app, as_):
    from core.audit.models import AuditEntry
    from core.db import db_session

    app_id = create(app, as_)
    # a concept is nobody's business above the region
    assert as_("committee").get(f"{BASE}/{app_id}").status_code == 404
    confirm_pledges(app, as_, app_id)
    submit(app, as_, app_id)
    assert "RIF-MC19-0001" in text(as_("committee").get(f"{BASE}/"))
    assess(as_, app_id, score="4")  # no appointment in rmc-19 needed
    # Bad input: a Dutch message at the field, nothing written.
    response = decide(as_, app_id, amount="100.000,01", reasons="")
    assert response.status_code == 400
    page = words(response)
    assert "Het toegekende bedrag is meer dan de aangevraagde subsidie (100.000,00)." in page
    assert "Schrijf de motivering van het besluit." in page
    assert decide(as_, app_id, amount="-5").status_code == 400
    assert decide(as_, app_id, on="2099-01-01").status_code == 400
    assert application(app).status == "in_beoordeling"
    # The decision: 90.000 of the 100.000 asked.
    response = decide(as_, app_id, amount="90.000,00", on="2026-11-30", reasons="Sterke samenwerking; begroting "
                      "op één post te ruim.")
    assert response.status_code == 303
    assert application(app).status == "toegekend"
    for reader in ("partner", "coordinator", "editor"):
        page = words(as_(reader).get(f"{BASE}/{app_id}"))
        assert ("Besluit van het ministerie Besluit Toegekend Datum van het besluit 30 november 2026 Toegekende "
                "subsidie € 90.000,00 Motivering Sterke samenwerking; begroting op één post te ruim.") in page, reader
    with app.app_context():
        entries = db_session().scalars(select(AuditEntry).where(AuditEntry.object_type == "rif_application",
                                                                AuditEntry.action == "update")).all()
    decided = [e for e in entries if e.after.get("status") == "toegekend"]
    assert decided and decided[0].actor == "ministry@rif.example"
    assert decided[0].after["granted_subsidy"] in ("90000.00", 90000, "90000")
    # once: a second decision is refused
    assert decide(as_, app_id, outcome="afgewezen").status_code == 409


def test_a_regional_user_cannot_grant(app, as_):
    app_id = create(app, as_)
    confirm_pledges(app, as_, app_id)
    submit(app, as_, app_id)
    assess(as_, app_id)
    for name in ("coordinator", "signatory", "editor", "partner", "committee"):
        assert decide(as_, app_id, who=name).status_code == 403, name
        assert "Besluit vastleggen" not in text(as_(name).get(f"{BASE}/{app_id}")), name
    # the old status button is gone for everyone
    assert as_("coordinator").post(f"{BASE}/{app_id}/status", data={"to": "toegekend"}).status_code == 400
    assert application(app).status == "in_beoordeling"
    response = decide(as_, app_id, outcome="afgewezen", reasons="Te weinig mkb.")
    assert response.status_code == 303
    done = application(app)
    assert done.status == "afgewezen"
    assert "Besluit Afgewezen" in words(as_("signatory").get(f"{BASE}/{app_id}"))


def test_the_ministry_reads_every_region_but_changes_no_application(app, as_):
    app_id = create(app, as_)
    ministry = as_("ministry")
    assert ministry.get(f"{BASE}/{app_id}").status_code == 200
    assert ministry.post(f"{BASE}/{app_id}/begroting", data={"category": "overig", "amount": "10"}).status_code == 403
    assert ministry.post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 403
