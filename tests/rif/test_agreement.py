"""A granted application becomes a samenwerkingsovereenkomst: the penvoerder and the partners in the
region's RIF consortium are its parties, its budget and pledges its terms; the partners co-sign it."""
from __future__ import annotations

import re
from decimal import Decimal as D

from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, make_user

from .conftest import BASE, create, grant, org_id, text

# The penvoerder pledges too; the care provider in kind; the municipality Utrecht in cash, but it is
# not in the region's RIF consortium, so it is no party. Costs 300.000, subsidy 100.000.
PARTNERS = (("25LH", "50.000,00", "50.000,00", False), ("90000012", "0", "100.000,00", False),
            ("GM0344", "10.000,55", "0", False))
AGREEMENTS = "/regio/rmc-19/afspraken/rif"
FINGERPRINT = re.compile(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"')
BASIS = re.compile(r'name="basis" value="([0-9a-f]{64})"')


def join_consortium(app, as_, *identifiers):
    for identifier in identifiers:
        response = as_("coordinator").post("/regio/rmc-19/consortium/rif", data={
            "instrument": "rif", "organisation": org_id(app, identifier), "role": "partner"})
        assert response.status_code == 302, text(response)


def stored_agreement(app, agreement_id):
    from core.db import db_session
    from core.plugin_api import Agreement

    with app.app_context():
        agreement = db_session().get(Agreement, agreement_id)
        version = agreement.latest
        return dict(terms=dict(version.terms), parties={p["identifier"] for p in version.parties},
                    status=agreement.status, signed={s.organisation.identifier for s in version.signatures})


def visible(response) -> str:
    """The page's text as a reader sees it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def draft(as_, app_id, who="signatory"):
    return as_(who).post(f"{BASE}/{app_id}/overeenkomst")


def test_a_granted_application_becomes_an_agreement_the_partners_sign(app, as_):
    app_id = create(app, as_, partners=PARTNERS)
    join_consortium(app, as_, "25LH", "90000012")
    # Not before it is granted.
    response = draft(as_, app_id)
    assert response.status_code == 409 and "Alleen een toegekende aanvraag" in text(response)
    grant(app, as_, app_id)

    page = text(as_("signatory").get(f"{BASE}/{app_id}"))
    assert ("Partijen (leden van het consortium van de regio): ROC Midden Nederland (25LH), "
            "Zorggroep Vecht en Rijn (fictieve demowerkgever) (90000012).") in page
    assert "Geen lid van het consortium, en dus geen partij: Gemeente Utrecht (GM0344)" in page
    # Neither the penvoerder's editor nor a partner drafts it.
    assert draft(as_, app_id, "editor").status_code == 403
    assert draft(as_, app_id, "partner").status_code == 403

    response = draft(as_, app_id)
    assert response.status_code == 303
    agreement_id = int(re.search(r"/afspraken/rif/(\d+)/", response.headers["Location"]).group(1))
    stored = stored_agreement(app, agreement_id)
    assert stored["parties"] == {"25LH", "90000012"} and stored["status"] == "concept"
    terms = stored["terms"]
    assert terms["application_ref"] == "RIF-MC19-0001"
    amounts = {k: terms[k] for k in ("project_costs", "subsidy", "cofinancing_cash", "cofinancing_in_kind")}
    assert amounts == {"project_costs": "300000.00", "subsidy": "100000.00", "cofinancing_cash": "60000.55",
                       "cofinancing_in_kind": "150000.00"}  # exact, two decimals
    assert D(terms["cofinancing_cash"]) == D("50000.00") + D("10000.55")
    assert "Gemeente Utrecht (GM0344): in geld € 10.000,55, in natura € 0,00" in terms["pledges"]
    assert terms["start"] == "2026-02-01" and terms["end"] == "2028-01-31"
    # Once: a second press finds the first.
    again = draft(as_, app_id)
    assert again.status_code == 409 and "heeft al een samenwerkingsovereenkomst (concept)" in text(again)

    page = visible(as_("partner").get(f"{BASE}/{app_id}"))
    assert ("Samenwerkingsovereenkomst RIF-MC19-0001: Zorgtechnologie in de wijk (versie 1) · status concept · "
            "0 van 2 partijen hebben ondertekend") in page
    assert "Het concept ligt bij de coördinator van de regio" in page
    shown = text(as_("partner").get(f"{AGREEMENTS}/{agreement_id}/"))
    assert "300.000,00" in shown and "60.000,55" in shown and "Zorggroep Vecht en Rijn" in shown

    # The coordinator sends it for signing; the partner signs.
    coordinator_page = as_("coordinator").get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True)
    sent = as_("coordinator").post(f"{AGREEMENTS}/{agreement_id}/versturen",
                                   data={"basis": BASIS.search(coordinator_page).group(1)})
    assert sent.status_code == 302
    partner_page = as_("partner").get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True)
    fingerprint = FINGERPRINT.search(partner_page).group(1)
    signed = as_("partner").post(f"{AGREEMENTS}/{agreement_id}/ondertekenen", data={
        "organisation": org_id(app, "90000012"), "fingerprint": fingerprint, "agree": "y",
        "password": DEFAULT_PASSWORD})
    assert signed.status_code == 302
    page = visible(as_("signatory").get(f"{BASE}/{app_id}"))
    assert "status ter ondertekening · 1 van 2 partijen hebben ondertekend" in page
    # the date in words, as the core writes dates (3 maart 2025)
    assert re.search(r"Zorggroep Vecht en Rijn \(fictieve demowerkgever\) \(90000012\) ja, op "
                     r"\d{1,2} [a-z]+ \d{4} door partner", page)
    assert "ROC Midden Nederland (25LH) nog niet" in page

    # A signatory of an organisation that is no party cannot sign, neither for itself nor for a party.
    make_user(app, "teken-30rn@rif.example", org="30RN", role="signatory")
    from core.testing import login

    outsider = app.test_client()
    assert login(outsider, "teken-30rn@rif.example").status_code == 302
    assert not FINGERPRINT.search(outsider.get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True))
    for organisation in ("30RN", "25LH"):
        response = outsider.post(f"{AGREEMENTS}/{agreement_id}/ondertekenen", data={
            "organisation": org_id(app, organisation), "fingerprint": fingerprint, "agree": "y",
            "password": DEFAULT_PASSWORD})
        assert response.status_code in (403, 404), organisation
    assert stored_agreement(app, agreement_id)["signed"] == {"90000012"}

    # The penvoerder signs last: the agreement is in force, as the application page says.
    as_("signatory").post(f"{AGREEMENTS}/{agreement_id}/ondertekenen", data={
        "organisation": org_id(app, "25LH"), "fingerprint": fingerprint, "agree": "y", "password": DEFAULT_PASSWORD})
    assert stored_agreement(app, agreement_id)["signed"] == {"25LH", "90000012"}
    assert "status van kracht · 2 van 2 partijen hebben ondertekend" in visible(as_("editor").get(f"{BASE}/{app_id}"))


def test_the_penvoerder_must_be_in_the_consortium_and_nothing_is_drafted_without(app, as_):
    from core.db import db_session
    from core.plugin_api import Agreement

    app_id = create(app, as_, partners=PARTNERS)
    join_consortium(app, as_, "90000012")
    grant(app, as_, app_id)
    page = text(as_("signatory").get(f"{BASE}/{app_id}"))
    assert "De penvoerder ROC Midden Nederland is nog geen lid van het consortium" in page
    response = draft(as_, app_id)
    assert response.status_code == 409
    assert ("De penvoerder ROC Midden Nederland (25LH) is geen lid van het consortium Regionaal "
            "Investeringsfonds mbo van regio Utrecht") in text(response)
    with app.app_context():
        assert db_session().scalars(select(Agreement)).all() == []
    # The coordinator adds it and drafts the agreement itself.
    join_consortium(app, as_, "25LH")
    assert draft(as_, app_id, "coordinator").status_code == 303
    with app.app_context():
        assert len(db_session().scalars(select(Agreement)).all()) == 1


def test_the_cooperation_template_checks_the_subsidy_share(app):
    # Moved from tests/core/agreements (issue 16: the core's tests name no instrument).
    import pytest

    from core.agreements.templates import TermsError

    rif = app.extensions["regioplatform"].entries["rif"].agreement_templates[0]
    terms = {"project_costs": "300000", "subsidy": "100000,01", "cofinancing_cash": "150000",
             "cofinancing_in_kind": "50000"}
    with pytest.raises(TermsError) as error:
        rif.validate_terms(terms)
    assert error.value.errors == {"subsidy": "mag hoogstens een derde van de totale projectkosten zijn"}
    assert rif.validate_terms({**terms, "subsidy": "100000"})["subsidy"] == "100000.00"
