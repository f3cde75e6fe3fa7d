"""Drafting, sending and signing through the client: in force only when every required party signed this version."""
from __future__ import annotations

from sqlalchemy import func, select

from .conftest import BASE, PARTIES, draft, edit, drafted_and_sent, load, outbox, seen_fingerprint, sign, sign_as


def test_in_force_only_when_every_required_party_signed_the_current_version(world):
    agreement_id = drafted_and_sent(world)
    assert load(world, agreement_id).status == "ter_ondertekening"

    for i, party in enumerate(PARTIES):
        response = sign_as(world, party, agreement_id)
        assert response.status_code == 302, response.get_data(as_text=True)
        agreement = load(world, agreement_id)
        if i < len(PARTIES) - 1:
            assert agreement.status == "ter_ondertekening"
            assert agreement.in_force is None
            assert not any(v.in_force_event for v in agreement.versions)

    agreement = load(world, agreement_id)
    assert agreement.status == "van_kracht"
    assert agreement.in_force.number == 1
    assert agreement.in_force.in_force_event is not None

    page = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/").get_data(as_text=True)
    assert "van kracht" in page
    assert "3 van de 3 verplichte partijen hebben versie 1 ondertekend" in page
    for name in ("teken-utrecht", "teken-debilt", "teken-mbo"):
        assert name in page  # who signed, visible to anyone who may see the agreement


def test_page_shows_who_signed_and_who_is_missing(world):
    agreement_id = drafted_and_sent(world)
    sign_as(world, "GM0344", agreement_id)
    html = world.client("lezer@example.nl").get(f"{BASE}/{agreement_id}/").get_data(as_text=True)
    assert "1 van de 3 verplichte partijen heeft versie 1 ondertekend" in html
    assert "Nog niet ondertekend:" in html and "De Bilt" in html
    assert "ter ondertekening" in html


def test_a_concept_cannot_be_signed(world):
    agreement_id = draft(world)
    client = world.client("teken-utrecht@example.nl")
    page = client.get(f"{BASE}/{agreement_id}/")
    assert page.status_code == 200
    assert 'name="fingerprint"' not in page.get_data(as_text=True)
    agreement = load(world, agreement_id)
    response = sign(client, agreement_id, world.org_id("GM0344"), agreement.latest.fingerprint)
    assert response.status_code == 409
    assert load(world, agreement_id).latest.signatures == []


def test_notifications_go_through_the_outbox(world):
    agreement_id = drafted_and_sent(world)
    sent = outbox(world)
    assert len(sent) == 1 and sent[0].subject.startswith("Ter ondertekening:")
    assert set(sent[0].recipient_list) == {"teken-utrecht@example.nl", "teken-debilt@example.nl",
                                           "teken-mbo@example.nl"}
    assert load(world, agreement_id).latest.fingerprint in sent[0].body
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    messages = outbox(world)
    assert [m.subject.split(":")[0] for m in messages] == ["Ter ondertekening", "Van kracht"]
    assert "coord@example.nl" in messages[-1].recipient_list



def test_stale_fingerprint_is_refused_with_a_clear_message(world):
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    seen = seen_fingerprint(client, agreement_id)
    assert edit_text(world, agreement_id, "# Afspraak\n\nWij groeten elkaar elke dag.").status_code == 302

    response = sign(client, agreement_id, world.org_id("GM0344"), seen)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "niet meer de versie die ter ondertekening ligt" in html
    assert "Uw handtekening is niet opgeslagen" in html
    agreement = load(world, agreement_id)
    assert all(v.signatures == [] for v in agreement.versions)
    # The page now offers the current version, with its own fingerprint.
    assert seen_fingerprint(client, agreement_id) == agreement.latest.fingerprint != seen


def test_wrong_password_or_missing_confirmation_signs_nothing(world):
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    fingerprint = seen_fingerprint(client, agreement_id)
    wrong = sign(client, agreement_id, world.org_id("GM0344"), fingerprint, password="niet-mijn-wachtwoord")
    assert wrong.status_code == 400
    assert "Het wachtwoord klopt niet" in wrong.get_data(as_text=True)
    assert 'class="error-summary"' in wrong.get_data(as_text=True)
    unconfirmed = sign(client, agreement_id, world.org_id("GM0344"), fingerprint, agree=False)
    assert unconfirmed.status_code == 400
    assert "Bevestig dat u deze versie hebt gelezen" in unconfirmed.get_data(as_text=True)
    assert load(world, agreement_id).latest.signatures == []


def test_withdraw_before_in_force_but_not_after(world):
    agreement_id = drafted_and_sent(world)
    utrecht = world.client("teken-utrecht@example.nl")
    assert sign_as(world, "GM0344", agreement_id).status_code == 302
    assert load(world, agreement_id).latest.signed_ids == {world.org_id("GM0344")}

    response = utrecht.post(f"{BASE}/{agreement_id}/intrekken", data={"organisation": world.org_id("GM0344")})
    assert response.status_code == 302
    assert load(world, agreement_id).latest.signatures == []
    assert load(world, agreement_id).status == "ter_ondertekening"

    # Another organisation's signature cannot be withdrawn by this signatory.
    sign_as(world, "GM0310", agreement_id)
    other = utrecht.post(f"{BASE}/{agreement_id}/intrekken", data={"organisation": world.org_id("GM0310")})
    assert other.status_code == 404
    assert load(world, agreement_id).latest.signed_ids == {world.org_id("GM0310")}

    for party in ("GM0344", "01OE"):
        sign_as(world, party, agreement_id)
    assert load(world, agreement_id).status == "van_kracht"
    late = utrecht.post(f"{BASE}/{agreement_id}/intrekken", data={"organisation": world.org_id("GM0344")},
                        follow_redirects=True)
    assert "De afspraak is van kracht; een handtekening kan niet meer worden ingetrokken." in late.get_data(as_text=True)
    agreement = load(world, agreement_id)
    assert agreement.status == "van_kracht" and len(agreement.latest.signatures) == 3


def test_every_step_is_in_the_audit_log(world):
    from core.audit.models import AuditEntry
    from core.db import db_session

    agreement_id = drafted_and_sent(world)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    with world.app.app_context():
        rows = db_session().execute(select(AuditEntry.object_type, AuditEntry.action, AuditEntry.actor)
                                    .where(AuditEntry.object_type.like("agreement%"))).all()
    seen = {(t, a) for t, a, _ in rows}
    assert {("agreement", "create"), ("agreement_version", "create"), ("agreement_party", "create"),
            ("agreement_version", "update"), ("agreement_signature", "create"),
            ("agreement_in_force", "create")} <= seen
    signers = {actor for t, a, actor in rows if t == "agreement_signature"}
    assert signers == {"teken-utrecht@example.nl", "teken-debilt@example.nl", "teken-mbo@example.nl"}
    with world.app.app_context():
        assert db_session().scalar(select(func.count()).select_from(AuditEntry)
                                   .where(AuditEntry.object_type == "agreement_in_force")) == 1


def edit_text(world, agreement_id, text):
    return edit(world, agreement_id, text=text)


def test_step_up_failures_are_throttled_per_user(app_factory):
    from core.testing import make_user

    from .conftest import World, add_consortium

    app = app_factory(LOGIN_LIMIT="2 per 15 minutes")
    add_consortium(app, "rmc-19", "hello", PARTIES)
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    make_user(app, "teken-utrecht@example.nl", org="GM0344", role="signatory")
    make_user(app, "teken-debilt@example.nl", org="GM0310", role="signatory")  # every party needs a signatory
    make_user(app, "teken-mbo@example.nl", org="01OE", role="signatory")
    world = World(app)
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    fingerprint = seen_fingerprint(client, agreement_id)
    org = world.org_id("GM0344")
    assert [sign(client, agreement_id, org, fingerprint, password="fout").status_code for _ in range(2)] == [400, 400]
    throttled = sign(client, agreement_id, org, fingerprint)  # even the right password waits now
    assert throttled.status_code == 429
    assert "Te veel onjuiste pogingen" in throttled.get_data(as_text=True)
    assert load(world, agreement_id).latest.signatures == []
