"""The database refuses what the rules forbid, even if application code tried it."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.agreements.models import AgreementInForce, AgreementSignature, AgreementVersion

from .conftest import PARTIES, drafted_and_sent, sign_as


@pytest.fixture
def signed_once(world):
    agreement_id = drafted_and_sent(world)
    sign_as(world, "GM0344", agreement_id)
    return agreement_id


def _attempt(world, change):
    from core.db import db_session

    with world.app.app_context():
        session = db_session()
        version = session.scalar(select(AgreementVersion))
        with pytest.raises(IntegrityError):
            change(session, version)
            session.flush()
        session.rollback()


def _signature(version, org_id, fingerprint):
    return AgreementSignature(version_id=version.id, organisation_id=org_id, region_id=version.region_id,
                              user_id=None, signer_name="x", signer_email="x@example.nl", fingerprint=fingerprint)


def test_a_signature_must_carry_its_versions_fingerprint(world, signed_once):
    org = world.org_id("GM0310")
    _attempt(world, lambda s, v: s.add(_signature(v, org, "f" * 64)))


def test_a_signature_must_belong_to_a_required_party(world, signed_once):
    outsider = world.org_id("GM0355")
    _attempt(world, lambda s, v: s.add(_signature(v, outsider, v.fingerprint)))


def test_an_organisation_signs_a_version_once(world, signed_once):
    utrecht = world.org_id("GM0344")
    _attempt(world, lambda s, v: s.add(_signature(v, utrecht, v.fingerprint)))


def test_a_signed_version_cannot_change_its_text(world, signed_once):
    def change(session, version):
        session.execute(update(AgreementVersion).where(AgreementVersion.id == version.id)
                        .values(text="Stiekem gewijzigd", fingerprint="e" * 64))
    _attempt(world, change)


def test_the_in_force_event_is_recorded_once_per_version(world, signed_once):
    def twice(session, version):
        for _ in range(2):
            session.add(AgreementInForce(agreement_id=version.agreement_id, version_id=version.id,
                                         region_id=version.region_id, fingerprint=version.fingerprint))
    _attempt(world, twice)


def test_van_kracht_cannot_be_stored_as_a_state(world, signed_once):
    _attempt(world, lambda s, v: s.execute(update(AgreementVersion).where(AgreementVersion.id == v.id)
                                           .values(state="van_kracht")))


def test_recomputed_fingerprints_match_the_stored_ones(world):
    from core.db import db_session

    agreement_id = drafted_and_sent(world)
    for party in PARTIES:
        sign_as(world, party, agreement_id)
    with world.app.app_context():
        for version in db_session().scalars(select(AgreementVersion)):
            assert version.compute_fingerprint() == version.fingerprint
            assert all(s.fingerprint == version.fingerprint for s in version.signatures)
