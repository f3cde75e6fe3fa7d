"""Structured terms validated by the template; templates checked at startup; the plugin read-out; the outbox."""
from __future__ import annotations

import re
import types
from html import unescape

import pytest
from sqlalchemy import select

from core.agreements.templates import AgreementTemplate, AgreementTerm, TermsError
from core.hookspecs import hookimpl
from core.instruments import Instrument
from core.plugins import PluginError, build_registry

from tests.core.instruments import other_instrument

from .conftest import BASE, PARTIES, TERMS_FORM, draft, drafted_and_sent, load, sign_as

TEMPLATE = AgreementTemplate(key="t", title="T", text="", terms=(
    AgreementTerm("count", "Aantal", kind="integer", minimum=0, maximum=1000),
    AgreementTerm("target", "Streefwaarde", kind="integer", keys=("2025-2026", "2026-2027")),
    AgreementTerm("budget", "Budget", kind="decimal", places=2, required=False),
    AgreementTerm("pledged", "Toegezegd", kind="boolean"),
    AgreementTerm("start", "Start", kind="date", required=False),
    AgreementTerm("note", "Toelichting", kind="text", required=False),
))


def test_terms_are_validated_and_stored_in_one_canonical_form():
    clean = TEMPLATE.validate_terms({"count": "12", "target": {"2025-2026": 5, "2026-2027": "6"},
                                     "budget": "1250,5", "pledged": "ja", "start": "2026-01-31",
                                     "note": " eerste regel\r\ntweede "})
    assert clean == {"count": 12, "target": {"2025-2026": 5, "2026-2027": 6}, "budget": "1250.50",
                     "pledged": True, "start": "2026-01-31", "note": "eerste regel\ntweede"}
    with pytest.raises(TermsError) as error:
        TEMPLATE.validate_terms({"count": "abc", "target": {"2025-2026": 1, "2030-2031": 2}, "budget": "1,234",
                                 "pledged": "misschien", "start": "31-01-2026", "extra": 1})
    assert error.value.errors == {
        "count": "'abc' is geen geheel getal",
        "target.2030-2031": "is geen geldige sleutel",
        "target.2026-2027": "vul een waarde in",
        "budget": "gebruik hoogstens 2 decimalen",
        "pledged": "'misschien' is geen ja of nee",
        "start": "'31-01-2026' is geen datum (jjjj-mm-dd)",
        "extra": "is geen afspraak van dit sjabloon",
    }
    with pytest.raises(TermsError) as bounds:
        TEMPLATE.validate_terms({"count": -1, "target": {"2025-2026": 1, "2026-2027": 1}})
    assert bounds.value.errors == {"count": "moet minstens 0 zijn"}
    # Amounts in Dutch notation are read as such; "1.250" (1250 or 1.25?) is refused rather than guessed.
    budget = TEMPLATE.terms[2]
    assert budget.clean("12.500,50", "budget") == "12500.50" and budget.clean("12500.5", "budget") == "12500.50"
    with pytest.raises(TermsError, match="onduidelijk"):
        budget.clean("1.250", "budget")


def test_invalid_terms_in_the_form_get_dutch_field_errors(world):
    draft(world, terms={**TERMS_FORM, "term_0_0": "twaalf", "term_1_1": ""}, expect=400)
    client = world.client("coord@example.nl")
    response = client.post(f"{BASE}/nieuw", data={"title": "T", "text": "x", "parties": [world.org_id("GM0344")],
                                                   **{**TERMS_FORM, "term_0_0": "twaalf", "term_1_1": ""}})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert "'twaalf' is geen geheel getal." in html
    assert "Vul een waarde in." in html
    assert 'href="#term_0_0"' in html and 'aria-invalid="true"' in html


def test_a_very_large_amount_is_a_field_error_or_stored_never_a_crash(world):
    """More digits than decimal arithmetic keeps by default (28): refused by a maximum, or stored exactly."""
    bounded = AgreementTerm("share", "Aandeel", kind="decimal", maximum=100)
    huge = "1" + "0" * 30 + ",50"
    with pytest.raises(TermsError) as error:
        bounded.clean(huge, "share")
    assert error.value.errors == {"share": "mag hoogstens 100 zijn"}
    assert TEMPLATE.terms[2].clean(huge, "budget") == "1" + "0" * 30 + ".50"
    with pytest.raises(TermsError, match="hoogstens 2 decimalen"):
        TEMPLATE.terms[2].clean("1" + "0" * 30 + ",505", "budget")
    draft(world, terms={**TERMS_FORM, "term_2_0": huge}, expect=302)  # through the form: no error page


def test_parties_must_come_from_the_consortium(world):
    client = world.client("coord@example.nl")
    none = client.post(f"{BASE}/nieuw", data={"title": "T", "text": "x", **TERMS_FORM})
    assert none.status_code == 400 and "Kies minstens één verplichte partij" in none.get_data(as_text=True)
    outsider = client.post(f"{BASE}/nieuw", data={"title": "T", "text": "x", "parties": [world.org_id("GM0599")],
                                                  **TERMS_FORM})
    assert outsider.status_code == 400 and "Kies alleen organisaties uit het consortium" in outsider.get_data(as_text=True)
    form = client.get(f"{BASE}/nieuw").get_data(as_text=True)
    for ident in PARTIES:  # every consortium member is offered, and ticked by default
        assert re.search(rf'<input checked id="parties-\d+" name="parties" type="checkbox" value="{world.org_id(ident)}">',
                         form)


def test_instruments_without_templates_get_a_text_only_template(world):
    from core.agreements.service import templates_for
    from core.instruments import Instrument
    from core.plugins import InstrumentEntry

    (generic,) = templates_for(InstrumentEntry(info=Instrument(key="zonder", name="Zonder sjabloon")))
    assert generic.title == "Regionale afspraak Zonder sjabloon"
    assert not generic.terms
    # An instrument whose consortium is still empty says so on the drafting page.
    client = world.client("coord@example.nl")
    other = other_instrument(world.app)  # no consortium in the test world
    page = client.get(f"/regio/rmc-19/afspraken/{other}/nieuw")
    assert page.status_code == 200
    name = world.app.extensions["regioplatform"].entries[other].info.name
    assert f"Het consortium {name} heeft nog geen deelnemers" in unescape(page.get_data(as_text=True))


def _plugin(templates):
    module = types.ModuleType("badplugin")
    module.KEY = "badplugin"

    @hookimpl
    def instrument_info():
        return Instrument(key="badplugin", name="Slecht")

    @hookimpl
    def agreement_templates():
        return templates

    module.instrument_info = instrument_info
    module.agreement_templates = agreement_templates
    return module


@pytest.mark.parametrize(("templates", "reason"), [
    (["geen sjabloon"], "must return plugin_api.AgreementTemplate items"),
    ([AgreementTemplate("a", "A", "", terms=(AgreementTerm("x", "X", kind="float"),))], "unknown kind 'float'"),
    ([AgreementTemplate("a", "A", "", terms=(AgreementTerm("X y", "X"),))], "name must be lower-case"),
    ([AgreementTemplate("a", "A", "", terms=(AgreementTerm("x", "X"), AgreementTerm("x", "Y")))], "declares a term twice"),
    ([AgreementTemplate("a", "A", ""), AgreementTemplate("a", "B", "")], "duplicate template keys"),
])
def test_invalid_templates_stop_the_app_with_a_one_line_error(templates, reason):
    with pytest.raises(PluginError) as error:
        build_registry([_plugin(templates)], load_entry_points=False)
    assert str(error.value).startswith("plugin 'badplugin', hook agreement_templates:")
    assert reason in str(error.value)


def test_plugins_read_the_terms_in_force(world):
    from core import plugin_api
    from core.db import db_session
    from core.regions.models import Region

    def read():
        with world.app.app_context():
            region = db_session().scalar(select(Region).where(Region.slug == "rmc-19"))
            return (plugin_api.agreement_in_force(region, "hello"),
                    plugin_api.agreement_in_force(region.id, other_instrument(world.app)))

    agreement_id = drafted_and_sent(world)
    assert read() == (None, None)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    in_force, nothing = read()
    assert nothing is None
    assert in_force.terms == {"greetings_per_year": 12, "target": {"2025-2026": 100, "2026-2027": 90},
                              "budget": "12500.50"}
    assert (in_force.agreement_id, in_force.version, in_force.template_key) == (agreement_id, 1, "hello-afspraak")
    assert in_force.fingerprint == load(world, agreement_id).latest.fingerprint


def test_in_a_request_every_instrument_reads_its_agreement_in_force_from_one_statement(world):
    from core import plugin_api
    from core.agreements.service import in_force_for
    from core.db import db_session
    from core.regions.models import Region
    from tests.core.perf.statements import counted

    agreement_id = drafted_and_sent(world)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    other = other_instrument(world.app)
    with world.app.test_request_context("/"):
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        expected = [in_force_for(session, region.id, "hello"), in_force_for(session, region.id, "hello", "hello-afspraak"),
                    None, None]
        with counted(world.app) as seen:
            read = [plugin_api.agreement_in_force(region, "hello"),
                    plugin_api.agreement_in_force(region, "hello", "hello-afspraak"),
                    plugin_api.agreement_in_force(region, "hello", "another-template"),
                    plugin_api.agreement_in_force(region, other)]
    assert read == expected and read[0].agreement_id == agreement_id
    assert len(seen) == 1


def test_region_overview_links_the_agreements_per_instrument(world):
    html = world.client("lezer@example.nl").get("/regio/rmc-19/").get_data(as_text=True)
    other = other_instrument(world.app)
    assert 'href="/regio/rmc-19/afspraken/hello/"' in html and f'href="/regio/rmc-19/afspraken/{other}/"' in html
    agreement_id = draft(world)
    index = world.client("lezer@example.nl").get("/regio/rmc-19/afspraken/").get_data(as_text=True)
    assert f'href="{BASE}/{agreement_id}/"' in index and "concept" in index
    assert "Nieuwe afspraak" not in index  # only the coordinator drafts
    assert "Nieuwe afspraak" in world.client("coord@example.nl").get(f"{BASE}/").get_data(as_text=True)


def test_platform_admins_read_the_outbox(world, app):
    from core.testing import make_user

    drafted_and_sent(world)
    make_user(app, "beheer@example.nl", platform_admin=True)
    page = world.client("beheer@example.nl").get("/beheer/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ter ondertekening: Groetconvenant Utrecht" in html and "teken-mbo@example.nl" in html
    assert "geen mailserver ingesteld" in html
    assert world.client("coord@example.nl").get("/beheer/outbox").status_code == 403
