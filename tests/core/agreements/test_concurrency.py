"""Signing and editing at the same moment, on PostgreSQL, from separate clients in separate threads.

Each thread has its own test client, so its own requests, app contexts and
database sessions and connections; they meet only in the database. The
rules must hold whatever the interleaving: every stored signature carries
the fingerprint of the version it belongs to (and that fingerprint is the
recomputed hash of the version), and the in-force event is written once.
"""
from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import func, select

from core.testing import make_user

from .conftest import BASE, FINGERPRINT_RE, INSTRUMENT, REGION, add_consortium, draft, edit, send, sign

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"),
    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…",
)

# Eight more required parties from the Utrecht region, each with its own signatory.
EXTRA = ("GM0312", "GM0321", "GM0331", "GM0335", "GM0352", "GM0353", "GM0356", "02PK")


def _setup(world):
    add_consortium(world.app, REGION, INSTRUMENT, EXTRA)
    parties = ("GM0344", "GM0310", "01OE") + EXTRA
    signers = {"GM0344": "teken-utrecht@example.nl", "GM0310": "teken-debilt@example.nl",
               "01OE": "teken-mbo@example.nl"}
    for ident in EXTRA:
        signers[ident] = f"teken-{ident.lower()}@example.nl"
        make_user(world.app, signers[ident], org=ident, role="signatory")
    clients = {ident: world.client(email) for ident, email in signers.items()}  # signed in before the race
    return parties, clients


def _run(threads, timeout=60):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a thread hung: a lock was never released"


def _check_invariants(world, agreement_id):
    from core.agreements.models import Agreement, AgreementInForce, AgreementSignature, AgreementVersion
    from core.db import db_session
    from core.mail import OutboxMessage

    with world.app.app_context():
        session = db_session()
        signatures = session.scalars(select(AgreementSignature)).all()
        versions = {v.id: v for v in session.scalars(select(AgreementVersion))}
        for signature in signatures:
            version = versions[signature.version_id]
            assert signature.fingerprint == version.fingerprint == version.compute_fingerprint()
            assert signature.organisation_id in version.party_ids
            assert signature.signed_at >= version.created_at  # nobody signed a text before it existed
        events = session.scalars(select(AgreementInForce)).all()
        assert len(events) == 1, f"in-force event written {len(events)} times"
        event = events[0]
        in_force = versions[event.version_id]
        assert in_force.fully_signed and in_force.status == "van_kracht"
        assert event.fingerprint == in_force.fingerprint
        agreement = session.get(Agreement, agreement_id)
        assert agreement.in_force.id == in_force.id
        # Every version before the one in force was replaced; its signatures did not count.
        assert all(v.status == "vervangen" for v in agreement.versions if v.number < in_force.number)
        mails = session.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.subject.like("Van kracht:%")))
        assert mails == 1
        return agreement, len(signatures)


def test_simultaneous_signatures_all_count_and_bring_it_into_force_once(world):
    parties, clients = _setup(world)
    agreement_id = draft(world, parties=parties)
    send(world, agreement_id)
    fingerprints = {ident: FINGERPRINT_RE.search(c.get(f"{BASE}/{agreement_id}/").get_data(as_text=True)).group(1)
                    for ident, c in clients.items()}
    barrier = threading.Barrier(len(parties))
    results: dict[str, int] = {}

    def signer(ident):
        barrier.wait()
        response = sign(clients[ident], agreement_id, world.org_id(ident), fingerprints[ident])
        results[ident] = response.status_code

    _run([threading.Thread(target=signer, args=(ident,)) for ident in parties])
    assert results == {ident: 302 for ident in parties}
    agreement, count = _check_invariants(world, agreement_id)
    assert count == len(parties) and agreement.in_force.number == 1


def test_signatures_racing_edits_never_stay_on_a_changed_text(world):
    parties, clients = _setup(world)
    agreement_id = draft(world, parties=parties)
    send(world, agreement_id)
    coordinator = world.client("coord@example.nl")
    org_ids = {ident: world.org_id(ident) for ident in parties}
    barrier = threading.Barrier(len(parties) + 1)
    deadline = time.monotonic() + 45
    outcomes: dict[str, list[int]] = {ident: [] for ident in parties}
    errors: list[str] = []

    def in_force() -> bool:
        from core.agreements.models import AgreementInForce
        from core.db import db_session

        with world.app.app_context():
            return db_session().scalar(select(func.count()).select_from(AgreementInForce)
                                       .where(AgreementInForce.agreement_id == agreement_id)) > 0

    def signer(ident):
        client = clients[ident]
        barrier.wait()
        while time.monotonic() < deadline:
            if in_force():
                return
            page = client.get(f"{BASE}/{agreement_id}/").get_data(as_text=True)
            match = FINGERPRINT_RE.search(page)
            if match is None:
                time.sleep(0.02)  # signed the current version; wait for the others or for an edit
                continue
            status = sign(client, agreement_id, org_ids[ident], match.group(1)).status_code
            outcomes[ident].append(status)
            if status not in (302, 409):
                errors.append(f"{ident}: {status}")
                return
        errors.append(f"{ident}: not in force before the deadline")

    def editor():
        barrier.wait()
        for n in range(3):
            time.sleep(0.03 * n)  # the first edit at once, while the first signatures come in
            response = edit(world, agreement_id, text=f"# Afspraak\n\nWijziging {n + 1}.", client=coordinator)
            if response.status_code != 302:
                errors.append(f"edit {n + 1}: {response.status_code}")

    _run([threading.Thread(target=signer, args=(ident,)) for ident in parties] + [threading.Thread(target=editor)])
    assert errors == [], (errors, outcomes)
    agreement, _count = _check_invariants(world, agreement_id)
    statuses = [s for runs in outcomes.values() for s in runs]
    assert 302 in statuses
    # Three edits went through: new versions while out for signing; after it came into force, an
    # amendment (a concept, edited in place by a later edit).
    assert len(agreement.versions) >= 2
