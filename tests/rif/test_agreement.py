"""Partners commit first (issue 25): the concept becomes a samenwerkingsovereenkomst whose parties are the
penvoerder and the partners in the region's RIF consortium, its budget and pledges its terms; each partner's
signatory confirms its pledge by co-signing it; submission waits for every pledge; a changed pledge voids that
partner's confirmation."""
from __future__ import annotations

import re
from decimal import Decimal as D

from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, make_user

from .conftest import (AGREEMENTS, BASIS, BASE, FINGERPRINT, application, confirm_pledges, create, draft_and_send,
                       join_consortium, org_id, sign, text)

# The penvoerder pledges too; the care provider in kind; the municipality Utrecht in cash, but it is
# not in the region's RIF consortium, so it is no party. Costs 300.000, subsidy 100.000.
PARTNERS = (("25LH", "50.000,00", "50.000,00", False), ("90000012", "0", "100.000,00", False),
            ("GM0344", "10.000,55", "0", False))


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


def submit_refused(as_, app_id) -> str:
    response = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert response.status_code == 400
    return visible(response)


def test_partners_confirm_their_pledges_by_co_signing_before_submission(app, as_):
    app_id = create(app, as_, partners=PARTNERS)
    join_consortium(app, as_, "25LH", "90000012")
    page = text(as_("signatory").get(f"{BASE}/{app_id}"))
    assert ("Partijen (leden van het consortium van de regio): ROC Midden Nederland (25LH), "
            "Zorggroep Vecht en Rijn (fictieve demowerkgever) (90000012).") in page
    assert "Geen lid van het consortium, en dus geen partij: Gemeente Utrecht (GM0344)" in page
    # Submission waits for every pledge; the co-financing check counts confirmed pledges only (none yet).
    refused = submit_refused(as_, app_id)
    for name in ("ROC Midden Nederland", "Zorggroep Vecht en Rijn (fictieve demowerkgever)", "Gemeente Utrecht"):
        assert f"De toezegging van {name} is nog niet bevestigd" in refused
    assert "De cofinanciering (€ 0,00) dekt de rest van de projectkosten (€ 200.000,00) niet" in refused
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
    # Once: a second press finds the first (nothing changed).
    again = draft(as_, app_id)
    assert again.status_code == 409 and "heeft al een samenwerkingsovereenkomst (concept)" in text(again)
    page = visible(as_("partner").get(f"{BASE}/{app_id}"))
    assert ("Samenwerkingsovereenkomst RIF-MC19-0001: Zorgtechnologie in de wijk (versie 1) · status concept · "
            "0 van 2 partijen hebben ondertekend") in page

    # The coordinator sends it for signing; the partner signs: its pledge is confirmed, the others not yet.
    page = as_("coordinator").get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True)
    assert as_("coordinator").post(f"{AGREEMENTS}/{agreement_id}/versturen",
                                   data={"basis": BASIS.search(page).group(1)}).status_code == 302
    sign(app, as_, agreement_id, "90000012")
    page = visible(as_("signatory").get(f"{BASE}/{app_id}"))
    assert "status ter ondertekening · 1 van 2 partijen hebben ondertekend" in page
    assert re.search(r"Zorggroep Vecht en Rijn \(fictieve demowerkgever\) \(90000012\) zorgaanbieder nee "
                     r"€ 0,00 € 100.000,00 ja, door partner op \d{1,2} [a-z]+ \d{4}", page), page
    refused = submit_refused(as_, app_id)
    assert "De toezegging van Zorggroep Vecht en Rijn" not in refused
    assert "De cofinanciering (€ 100.000,00) dekt de rest" in refused

    # A signatory of an organisation that is no party cannot sign, neither for itself nor for a party.
    make_user(app, "teken-30rn@rif.example", org="30RN", role="signatory")
    from core.testing import login

    outsider = app.test_client()
    assert login(outsider, "teken-30rn@rif.example").status_code == 302
    fingerprint = FINGERPRINT.search(as_("signatory").get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True))
    assert not FINGERPRINT.search(outsider.get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True))
    for organisation in ("30RN", "25LH"):
        response = outsider.post(f"{AGREEMENTS}/{agreement_id}/ondertekenen", data={
            "organisation": org_id(app, organisation), "fingerprint": fingerprint.group(1), "agree": "y",
            "password": DEFAULT_PASSWORD})
        assert response.status_code in (403, 404), organisation
    assert stored_agreement(app, agreement_id)["signed"] == {"90000012"}

    # The penvoerder signs; the municipality joins the consortium, a new version names it, and it signs.
    sign(app, as_, agreement_id, "25LH")
    assert "status van kracht · 2 van 2 partijen hebben ondertekend" in visible(as_("editor").get(f"{BASE}/{app_id}"))
    assert "De toezegging van Gemeente Utrecht is nog niet bevestigd" in submit_refused(as_, app_id)
    join_consortium(app, as_, "GM0344")
    second = draft_and_send(app, as_, app_id)
    assert second != agreement_id and stored_agreement(app, second)["parties"] == {"25LH", "90000012", "GM0344"}
    sign(app, as_, second, "GM0344")
    # the earlier signatures still confirm the unchanged pledges
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    assert application(app).status == "ingediend"


def test_a_changed_pledge_voids_that_partners_confirmation_only(app, as_):
    app_id = create(app, as_)  # 25LH and the care provider pledge
    confirm_pledges(app, as_, app_id)
    from core.db import db_session
    from plugins.rif.models import Partner

    with app.app_context():
        line = db_session().scalar(select(Partner.id).where(Partner.partner_id == org_id(app, "90000012")))
    # the editor replaces the care provider's pledge by a larger one
    assert as_("editor").post(f"{BASE}/{app_id}/verwijderen", data={"line": f"partner-{line}"}).status_code == 303
    assert as_("editor").post(f"{BASE}/{app_id}/partners", data={
        "partner": org_id(app, "90000012"), "pledged_cash": "0", "pledged_in_kind": "110.000,00"}).status_code == 303
    page = visible(as_("signatory").get(f"{BASE}/{app_id}"))
    assert "nee: gewijzigd na ondertekening" in page and "ja, door signatory op" in page
    assert "Een toezegging is gewijzigd na het opstellen" in page
    refused = submit_refused(as_, app_id)
    assert ("De toezegging van Zorggroep Vecht en Rijn (fictieve demowerkgever) is gewijzigd nadat zij de "
            "samenwerkingsovereenkomst ondertekende: haar bevestiging vervalt.") in refused
    assert "De toezegging van ROC Midden Nederland" not in refused
    assert application(app).status == "concept"
    # a new version; only the care provider signs again
    second = draft_and_send(app, as_, app_id)
    assert "Zorggroep Vecht en Rijn (fictieve demowerkgever) (90000012): in geld € 0,00, in natura € 110.000,00" \
        in stored_agreement(app, second)["terms"]["pledges"]
    sign(app, as_, second, "90000012")
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303


def test_the_penvoerder_must_be_in_the_consortium_and_nothing_is_drafted_without(app, as_):
    from core.db import db_session
    from core.plugin_api import Agreement

    app_id = create(app, as_, partners=PARTNERS)
    join_consortium(app, as_, "90000012")
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
