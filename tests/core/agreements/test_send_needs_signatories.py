"""An agreement cannot be sent for signing while a required party has no active signatory; the coordinator
sees which party and who can appoint one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from core.testing import make_user

from .conftest import BASE, current_fingerprint, draft, load, outbox, world  # noqa: F401


def _send(world, agreement_id):
    client = world.client("coord@example.nl")
    return client.post(f"{BASE}/{agreement_id}/versturen", data={"basis": current_fingerprint(world, agreement_id)},
                       follow_redirects=True)


def _end_mandate(world, user_key: str, ends_on: dt.date) -> None:
    from core.db import db_session
    from core.identity.models import Membership

    with world.app.app_context():
        session = db_session()
        session.execute(update(Membership).where(Membership.user_id == world.users[user_key]).values(ends_on=ends_on))
        session.commit()


def test_a_party_whose_only_signatory_mandate_ended_stops_the_sending_and_is_named(world):
    make_user(world.app, "platform@example.nl", platform_admin=True)
    agreement_id = draft(world)
    _end_mandate(world, "debilt", dt.date(2026, 1, 1))
    before = len(outbox(world))
    page = " ".join(_send(world, agreement_id).get_data(as_text=True).split())
    assert "Versturen kan pas als elke verplichte partij een actieve ondertekenaar heeft" in page
    assert "Zonder ondertekenaar: Gemeente De Bilt." in page
    assert "Een platformbeheerder kan er een aanwijzen: platform (platform@example.nl)." in page
    assert load(world, agreement_id).latest.state == "concept"  # nothing changed, nothing sent
    assert len(outbox(world)) == before
    # Once De Bilt has a signatory again, the concept goes out.
    make_user(world.app, "nieuw-debilt@example.nl", org="GM0310", role="signatory")
    _send(world, agreement_id)
    assert load(world, agreement_id).latest.state == "verzonden"
