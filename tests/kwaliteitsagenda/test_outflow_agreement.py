"""The regional agreement on unqualified outflow to work: structured terms, co-signed on the core's agreement pages
by the region's institutions and municipalities (and the coordinator)."""
from __future__ import annotations

from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, login, make_user

from .conftest import join_consortium, org_id

NEW = "/regio/rmc-19/afspraken/kwaliteitsagenda/nieuw?sjabloon=ongediplomeerde-uitstroom"
TERMS = {"term_0_0": "y", "term_1_0": "14", "term_2_0": "60", "term_2_1": "65", "term_2_2": "70",
         "term_3_0": "Doorstroompunt Utrecht"}


def draft(app, client_of, **terms):
    parties = [org_id(app, identifier) for identifier in ("MC19", "25LH", "GM0344")]
    return client_of("coordinator").post(NEW, data={
        "basis": "", "title": "Afspraken ongediplomeerde uitstroom Utrecht", "text": "Samen tegen uitval naar werk.",
        "parties": parties, **TERMS, **terms})


def test_the_outflow_agreement_is_drafted_with_its_terms_and_co_signed(app, client_of):
    from core.agreements.models import Agreement
    from core.db import db_session

    join_consortium(app, "rmc-19", "MC19", "25LH", "GM0344")
    response = draft(app, client_of)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:3000]
    with app.app_context():
        agreement = db_session().scalar(select(Agreement))
        assert agreement.template_key == "ongediplomeerde-uitstroom"
        assert agreement.latest.terms["referral_days"] == 14 and agreement.latest.terms["exit_interview"] is True
        assert agreement.latest.terms["target_share"] == {"2025": 60, "2026": 65, "2027": 70}
        agreement_id, basis = agreement.id, agreement.latest.fingerprint
    url = f"/regio/rmc-19/afspraken/kwaliteitsagenda/{agreement_id}"
    make_user(app, "burgemeester@utrecht.example", org="GM0344", role="signatory")  # every party has a signatory
    assert client_of("coordinator").post(f"{url}/versturen", data={"basis": basis}).status_code == 302
    gemeente = app.test_client()
    assert login(gemeente, "burgemeester@utrecht.example").status_code == 302
    signers = ((client_of("coordinator"), "MC19"), (client_of("roc_admin"), "25LH"), (gemeente, "GM0344"))
    with app.app_context():
        fingerprint = db_session().get(Agreement, agreement_id).latest.fingerprint
    for client, identifier in signers:
        signed = client.post(f"{url}/ondertekenen", data={"fingerprint": fingerprint, "agree": "y",
                                                          "organisation": org_id(app, identifier),
                                                          "password": DEFAULT_PASSWORD})
        assert signed.status_code in (302, 303), identifier
    with app.app_context():
        assert db_session().get(Agreement, agreement_id).status == "van_kracht"


def test_a_term_out_of_bounds_is_refused_and_nothing_is_drafted(app, client_of):
    from .conftest import counts

    join_consortium(app, "rmc-19", "MC19", "25LH", "GM0344")
    before = counts(app)
    response = draft(app, client_of, term_1_0="200")
    assert response.status_code == 400
    assert counts(app) == before
