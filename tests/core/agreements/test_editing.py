"""Editing: a concept changes in place; a version out for signing becomes a new version and its signatures lapse."""
from __future__ import annotations

import re

from .conftest import BASE, PARTIES, TERMS_FORM, draft, drafted_and_sent, edit, load, outbox, send, sign_as


def test_an_edit_of_a_version_out_for_signing_makes_a_new_version_and_voids_its_signatures(world):
    agreement_id = drafted_and_sent(world)
    sign_as(world, "GM0344", agreement_id)
    sign_as(world, "GM0310", agreement_id)
    before = load(world, agreement_id)
    assert before.latest.number == 1 and len(before.latest.signatures) == 2

    response = edit(world, agreement_id, text="# Afspraak\n\nWij groeten elkaar twee keer per dag.")
    assert response.status_code == 302

    agreement = load(world, agreement_id)
    old, new = agreement.versions
    assert (old.number, old.status) == (1, "vervangen")
    assert (new.number, new.status) == (2, "ter_ondertekening")
    assert new.signatures == [] and new.fingerprint != old.fingerprint
    assert len(old.signatures) == 2  # kept as history, but they no longer count
    assert agreement.status == "ter_ondertekening"

    # The third party signing now does not bring anything into force: the others must sign version 2.
    sign_as(world, "01OE", agreement_id)
    assert load(world, agreement_id).status == "ter_ondertekening"
    for party in ("GM0344", "GM0310"):
        sign_as(world, party, agreement_id)
    agreement = load(world, agreement_id)
    assert agreement.status == "van_kracht" and agreement.in_force.number == 2

    # The signatories were told that their signatures lapsed.
    voided = [m for m in outbox(world) if m.subject.startswith("Gewijzigd")]
    assert len(voided) == 1
    assert {"teken-utrecht@example.nl", "teken-debilt@example.nl", "teken-mbo@example.nl"} <= set(voided[0].recipient_list)
    assert "vervallen" in voided[0].body

    html = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/versies/1/").get_data(as_text=True)
    assert "vervangen" in html and "De handtekeningen op deze versie zijn vervallen." in html


def test_changing_only_the_terms_or_parties_also_makes_a_new_version(world):
    agreement_id = drafted_and_sent(world)
    sign_as(world, "GM0344", agreement_id)
    terms = {**TERMS_FORM, "term_1_0": "95"}
    assert edit(world, agreement_id, text="# Afspraak\n\nWij groeten elkaar.", terms=terms).status_code == 302
    agreement = load(world, agreement_id)
    assert agreement.latest.number == 2 and agreement.latest.terms["target"]["2025-2026"] == 95
    assert edit(world, agreement_id, text="# Afspraak\n\nWij groeten elkaar.", terms=terms,
                parties=("GM0344", "GM0310")).status_code == 302
    agreement = load(world, agreement_id)
    assert agreement.latest.number == 3 and len(agreement.latest.party_rows) == 2


def test_a_concept_is_edited_in_place_and_an_unchanged_edit_changes_nothing(world):
    agreement_id = draft(world)
    first = load(world, agreement_id).latest.fingerprint
    assert edit(world, agreement_id, text="Nieuwe tekst.").status_code == 302
    agreement = load(world, agreement_id)
    assert len(agreement.versions) == 1 and agreement.latest.text == "Nieuwe tekst."
    assert agreement.latest.fingerprint != first and agreement.latest.status == "concept"
    again = edit(world, agreement_id, text="Nieuwe tekst.", basis=agreement.latest.fingerprint)
    assert again.status_code == 302
    assert load(world, agreement_id).latest.fingerprint == agreement.latest.fingerprint
    send(world, agreement_id)
    same = edit(world, agreement_id, text="Nieuwe tekst.")
    assert same.status_code == 302
    assert len(load(world, agreement_id).versions) == 1  # nothing changed: no new version, nothing voided


def test_an_edit_based_on_an_outdated_page_is_refused(world):
    agreement_id = drafted_and_sent(world)
    old_basis = load(world, agreement_id).latest.fingerprint
    assert edit(world, agreement_id, text="Eerste wijziging.").status_code == 302
    response = edit(world, agreement_id, text="Tweede wijziging.", basis=old_basis)
    assert response.status_code == 409
    page = " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Nu opgeslagen" in page and "Eerste wijziging." in page  # the other person's text, as stored
    assert "Tweede wijziging." in page  # the user's own text stays in the form
    assert len(load(world, agreement_id).versions) == 2
    # saving the form as shown again replaces the stored version knowingly
    basis = re.search(r'name="basis"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="basis"', response.get_data(
        as_text=True))
    again = edit(world, agreement_id, text="Tweede wijziging.", basis=basis.group(1) or basis.group(2))
    assert again.status_code == 302
    assert load(world, agreement_id).latest.text == "Tweede wijziging."


def test_an_agreement_in_force_stays_in_force_until_its_amendment_is_signed(world):
    from core.agreements.service import agreement_in_force
    from core.db import db_session
    from core.regions.models import Region
    from sqlalchemy import select

    agreement_id = drafted_and_sent(world)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    assert edit(world, agreement_id, text="Gewijzigde afspraak.", terms={**TERMS_FORM, "term_0_0": "24"}).status_code == 302
    agreement = load(world, agreement_id)
    assert [v.status for v in agreement.versions] == ["van_kracht", "concept"]
    assert agreement.status == "van_kracht"

    def terms_now():
        with world.app.app_context():
            region = db_session().scalar(select(Region).where(Region.slug == "rmc-19"))
            return agreement_in_force(region, "hello")

    assert terms_now().terms["greetings_per_year"] == 12 and terms_now().version == 1
    send(world, agreement_id)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    agreement = load(world, agreement_id)
    assert [v.status for v in agreement.versions] == ["vervangen", "van_kracht"]
    assert terms_now().terms["greetings_per_year"] == 24 and terms_now().version == 2


def test_ending_an_agreement(world):
    agreement_id = drafted_and_sent(world)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    client = world.client("coord@example.nl")
    assert client.post(f"{BASE}/{agreement_id}/beeindigen", data={}).status_code == 302
    agreement = load(world, agreement_id)
    assert agreement.status == "beeindigd" and agreement.in_force is None
    response = edit(world, agreement_id, text="Nog een wijziging?", basis="x" * 64)
    assert response.status_code == 302  # sent back to the page with a message
    assert len(load(world, agreement_id).versions) == 1
