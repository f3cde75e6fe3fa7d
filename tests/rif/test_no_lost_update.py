"""Simultaneous creates on the rif pages (issue 17): never a 500.

* A partner line or an assessor that someone else has just added is answered with "is net door iemand anders
  ingevoerd" and the stored values; nothing is stored twice. On SQLite the other insert is made to land between
  the page's look-up and its own insert (tests/interleave.py); on PostgreSQL (TEST_DATABASE_URL=postgresql://…,
  skipped with that reason elsewhere) also with real concurrent requests, each thread its own test client.
* New applications made at the same moment each get their own reference number; budget lines added at the same
  moment are all stored.
"""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, insert, select

from core.testing import login, make_user
from tests.interleave import race, someone_else_first

from .conftest import BASE, FORM, create, email, org_id, text

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"),
    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…")
CLASH = "Dit is net door iemand anders ingevoerd"
COUNT = 12


def _clients(app, org, role, count):
    """`count` signed-in clients, each its own user of `org` with `role` (signed in before the race)."""
    clients = []
    for i in range(count):
        address = f"{role}{i}@rif-race.example"
        make_user(app, address, org=org, role=role)
        client = app.test_client()
        assert login(client, address).status_code == 302
        clients.append(client)
    return clients


def _count(app, model, *where):
    from core.db import db_session

    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model).where(*where))


def _notice(response) -> str:
    """The text of the page's conflict notice ("" when there is none), tags left out."""
    found = re.search(r'<div class="error-summary conflict".*?</div>', text(response), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


def _no_failures(responses):
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]


def _partner(app, amount):
    return {"partner": org_id(app, "30RN"), "pledged_cash": amount, "pledged_in_kind": "0"}


# --- a partner line -----------------------------------------------------------------------------------------------

def test_a_partner_that_someone_else_has_just_added_is_shown_not_a_500(app, as_):
    from plugins.rif.models import Application, Partner

    app_id = create(app, as_, partners=())
    with app.app_context():
        from core.db import db_session

        a = db_session().get(Application, app_id)
        row = dict(region_id=a.region_id, application_ref=a.reference, organisation_id=a.organisation_id,
                   partner_id=org_id(app, "30RN"), mkb=False, pledged_cash=12345, pledged_in_kind=0)
    with someone_else_first(app, Partner, lambda conn: conn.execute(insert(Partner.__table__).values(**row))) \
            as happened:
        response = as_("editor").post(f"{BASE}/{app_id}/partners", data=_partner(app, "50.000,00"))
    assert happened and response.status_code == 409
    assert CLASH in _notice(response) and "12.345,00" in _notice(response) and "MBO Utrecht" in _notice(response)
    assert 'value="50.000,00"' in response.get_data(as_text=True)  # the user's own input stays in the form
    assert _count(app, Partner, Partner.application_ref == row["application_ref"]) == 1


@needs_postgres
def test_simultaneous_adds_of_one_partner_store_it_once_and_never_fail(app, as_):
    from plugins.rif.models import Partner

    app_id = create(app, as_, partners=())
    clients = _clients(app, "25LH", "editor", COUNT)
    responses = race(lambda i: clients[i].post(f"{BASE}/{app_id}/partners",
                                               data=_partner(app, f"{100 + i},00")), COUNT)
    _no_failures(responses)
    statuses = [r.status_code for r in responses]
    assert statuses.count(303) == 1 and set(statuses) <= {303, 400, 409}, statuses
    winner = statuses.index(303)
    for r in responses:  # a clash shows the stored line; a request that came later no longer offers the partner
        if r.status_code == 409:
            assert CLASH in _notice(r) and f"{100 + winner},00" in _notice(r)
    assert _count(app, Partner) == 1


# --- a budget line ------------------------------------------------------------------------------------------------

@needs_postgres
def test_simultaneous_budget_lines_are_all_stored(app, as_):
    from plugins.rif.models import BudgetLine

    app_id = create(app, as_, costs=(), partners=())
    clients = _clients(app, "25LH", "editor", COUNT)
    responses = race(lambda i: clients[i].post(f"{BASE}/{app_id}/begroting",
                                               data={"category": "personeel", "amount": f"{i + 1}.000,00"}), COUNT)
    _no_failures(responses)
    assert [r.status_code for r in responses] == [303] * COUNT
    assert _count(app, BudgetLine, BudgetLine.application_id == app_id) == COUNT


# --- a new application ----------------------------------------------------------------------------------------

@needs_postgres
def test_simultaneous_new_applications_each_get_their_own_reference(app, users):
    from plugins.rif.models import Application

    clients = _clients(app, "25LH", "editor", COUNT)
    penvoerder = org_id(app, "25LH")
    responses = race(lambda i: clients[i].post(f"{BASE}/nieuw", data={
        **FORM, "title": f"Project {i}", "organisation": penvoerder}), COUNT)
    _no_failures(responses)
    assert [r.status_code for r in responses] == [303] * COUNT
    from core.db import db_session

    with app.app_context():
        references = db_session().scalars(select(Application.reference)).all()
    assert sorted(references) == [f"RIF-MC19-{n:04d}" for n in range(1, COUNT + 1)]


# --- an assessor ----------------------------------------------------------------------------------------------

def test_an_assessor_that_someone_else_has_just_appointed_is_shown_not_a_500(app, as_):
    from plugins.rif.models import Assessor

    region_id = _region_id(app)
    with someone_else_first(app, Assessor, lambda conn: conn.execute(insert(Assessor.__table__).values(
            region_id=region_id, email=email("assessor")))) as happened:
        response = as_("coordinator").post(f"{BASE}/beoordelaars", data={"email": email("assessor")})
    assert happened and response.status_code == 409
    assert CLASH in _notice(response) and f"beoordelaar {email('assessor')}" in _notice(response)
    assert _count(app, Assessor) == 1


@needs_postgres
def test_simultaneous_appointments_of_one_assessor_store_one_and_never_fail(app, users):
    from plugins.rif.models import Assessor

    clients = _clients(app, "MC19", "admin", COUNT)
    responses = race(lambda i: clients[i].post(f"{BASE}/beoordelaars", data={"email": email("assessor")}), COUNT)
    _no_failures(responses)
    statuses = [r.status_code for r in responses]
    assert statuses.count(303) == 1 and set(statuses) <= {303, 400, 409}, statuses
    for r in responses:  # a clash at the insert, or a request that came later and found the appointment
        if r.status_code != 303:
            assert (CLASH in _notice(r)) if r.status_code == 409 else "is al beoordelaar in deze regio" in text(r)
    assert _count(app, Assessor) == 1


def _region_id(app):
    from core.db import db_session
    from core.plugin_api import Region

    with app.app_context():
        return db_session().scalar(select(Region.id).where(Region.slug == "rmc-19"))
