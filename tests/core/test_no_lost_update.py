"""No lost update in the core's own forms (issue 17): memberships, new organisations, inviting a member, a
consortium member.

A membership change the admin's form did not show is refused with the stored membership; a create that meets
the same key, inserted by someone else between the form's look-up and its insert (tests/interleave.py), is
answered with "is net door iemand anders ingevoerd" and the stored values, never a 500. Runs on SQLite and,
with TEST_DATABASE_URL / PG_URL set to PostgreSQL, there as well; there also with real concurrent requests
(each thread its own test client) adding the same consortium member.
"""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import insert, select

from core.testing import login, make_user
from tests.interleave import race, someone_else_first

ADMIN = "beheer@example.nl"
CLASH = "Dit is net door iemand anders ingevoerd"


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).replace("&#39;", "'").split())


def org_id(app, identifier):
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


@pytest.fixture
def admin(app, client):
    make_user(app, ADMIN, platform_admin=True)
    assert login(client, ADMIN).status_code == 302
    return client


def test_a_membership_change_over_someone_elses_is_refused_with_the_stored_membership(app, admin):
    from core.identity.models import Membership

    person = make_user(app, "persoon@example.nl", org="GM0344", role="editor")
    url, utrecht = f"/beheer/gebruikers/{person}", org_id(app, "GM0344")
    shown = admin.post(url, data={"organisation": utrecht, "role": "viewer"})  # not shown the stored one
    assert shown.status_code == 409 and "Rol invoerder" in page_text(shown)
    version = re.search(r'name="version"[^>]*value="([^"]*)"', shown.get_data(as_text=True)).group(1)
    other = app.test_client()  # a second admin changes it first
    assert login(other, ADMIN).status_code == 302
    assert other.post(url, data={"organisation": utrecht, "role": "admin", "version": version}).status_code == 302
    refused = admin.post(url, data={"organisation": utrecht, "role": "viewer", "version": version})
    assert refused.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in page_text(refused)
    assert "Nu opgeslagen Organisatie Gemeente Utrecht (GM0344) Rol beheerder" in page_text(refused)
    from core.db import db_session

    with app.app_context():
        assert db_session().scalar(select(Membership.role).where(Membership.user_id == person)) == "admin"


def test_a_new_organisation_that_someone_else_has_just_created_is_shown_not_a_500(app, admin):
    from core.orgs.models import Organisation

    with someone_else_first(app, Organisation, lambda conn: conn.execute(insert(Organisation.__table__).values(
            kind="mbo", identifier="99ZZ", name="Vakschool van de ander"))) as happened:
        response = admin.post("/beheer/organisaties/nieuw",
                              data={"kind": "mbo", "identifier": "99zz", "name": "Vakschool Voorbeeld"})
    assert happened and response.status_code == 409
    assert CLASH in page_text(response) and "Naam Vakschool van de ander" in page_text(response)


def test_a_new_user_that_someone_else_has_just_created_is_shown_not_a_500(app, admin):
    from core.identity.models import User

    with someone_else_first(app, User, lambda conn: conn.execute(insert(User.__table__).values(
            email="nieuw@example.nl", name="Door de ander"))) as happened:
        response = admin.post("/beheer/gebruikers/nieuw", data={"email": "nieuw@example.nl", "name": "Nieuw"})
    assert happened and response.status_code == 409
    assert CLASH in page_text(response) and "Door de ander" in page_text(response)


def test_an_invitation_that_someone_else_has_just_sent_is_shown_not_a_500(app, client):
    import datetime as dt

    from core.identity.models import MembershipInvitation

    make_user(app, "coord@example.nl", org="MC19", role="admin")
    person = make_user(app, "persoon@example.nl")
    mc19 = org_id(app, "MC19")
    assert login(client, "coord@example.nl").status_code == 302
    now = dt.datetime.now(dt.timezone.utc)
    with someone_else_first(app, MembershipInvitation, lambda conn: conn.execute(
            insert(MembershipInvitation.__table__).values(
                user_id=person, organisation_id=mc19, email="persoon@example.nl", role="signatory",
                invited_by="Collega", created_at=now, expires_at=now + dt.timedelta(days=7)))) as happened:
        response = client.post(f"/organisaties/{mc19}/leden",
                               data={"email": "persoon@example.nl", "name": "Persoon", "role": "viewer"})
    assert happened and response.status_code == 409
    assert CLASH in page_text(response) and "Rol ondertekenaar" in page_text(response)
    assert "persoon (" not in page_text(response)  # the account's own name is never shown


# --- a consortium member (the test plugin's instrument) -----------------------------------------------------------

CONSORTIUM = "/regio/rmc-19/consortium/hello"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _coordinators(app, count):
    clients = []
    for i in range(count):
        make_user(app, f"coord{i}@example.nl", org="MC19", role="admin")
        client = app.test_client()
        assert login(client, f"coord{i}@example.nl").status_code == 302
        clients.append(client)
    return clients


def _consortium(app):
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return db_session().execute(select(Organisation.identifier, ConsortiumMember.role).join(
            ConsortiumMember.organisation).where(ConsortiumMember.instrument_key == "hello")).all()


def test_a_consortium_member_that_someone_else_has_just_added_is_shown_not_a_500(app):
    from core.consortia.models import ConsortiumMember
    from core.regions.models import Region

    (client,) = _coordinators(app, 1)
    mbo = org_id(app, "25LH")
    with app.app_context():
        from core.db import db_session

        region = db_session().scalar(select(Region.id).where(Region.slug == "rmc-19"))
    with someone_else_first(app, ConsortiumMember, lambda conn: conn.execute(insert(ConsortiumMember.__table__).values(
            region_id=region, instrument_key="hello", organisation_id=mbo, role="adviseur"))) as happened:
        response = client.post(CONSORTIUM, data={"instrument": "hello", "organisation": mbo, "role": "penvoerder"})
    assert happened and response.status_code == 409
    page = page_text(response)
    assert CLASH in page and "Rol in het consortium adviseur" in page and "ROC Midden Nederland" in page
    assert _consortium(app) == [("25LH", "adviseur")]


@pytest.mark.skipif(not PG_URL.startswith("postgresql"),
                    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…")
def test_simultaneous_adds_of_one_consortium_member_store_one_and_never_fail(app):
    roles = ["penvoerder", "coordinator", "deelnemer", "partner", "adviseur"] * 2
    clients = _coordinators(app, len(roles))
    mbo = org_id(app, "25LH")
    responses = race(lambda i: clients[i].post(CONSORTIUM, data={
        "instrument": "hello", "organisation": mbo, "role": roles[i]}), len(roles))
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    statuses = [r.status_code for r in responses]
    # one is stored; the others clash at the insert (409) or came later and no longer find it offered (400)
    assert statuses.count(302) == 1 and set(statuses) <= {302, 400, 409}, statuses
    stored = _consortium(app)
    assert stored == [("25LH", roles[statuses.index(302)])]
    for response in responses:
        if response.status_code == 409:
            assert CLASH in page_text(response)
