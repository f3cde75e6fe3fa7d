"""The audit log: written with every change, verified as a hash chain, browsed by platform admins."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import JSON, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from core.cli import main
from core.testing import login, make_user

ADMIN = "admin@example.nl"
COORDINATOR = "coordinator@example.nl"


# --- helpers ----------------------------------------------------------------

def run(app, fn):
    from core.db import db_session

    with app.app_context():
        return fn(db_session())


def org_id(app, identifier: str) -> int:
    from core.orgs.models import Organisation

    return run(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == identifier)))


def region_id(app, slug: str) -> int:
    from core.regions.models import Region

    return run(app, lambda s: s.scalar(select(Region.id).where(Region.slug == slug)))


def last_audit_id(app) -> int:
    from core.audit.models import AuditEntry

    return run(app, lambda s: s.scalar(select(func.max(AuditEntry.id))) or 0)


def entries_after(app, mark: int) -> list:
    from core.audit.models import AuditEntry

    return run(app, lambda s: s.scalars(select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id)).all())


def audit_count(app) -> int:
    from core.audit.models import AuditEntry

    return run(app, lambda s: s.scalar(select(func.count()).select_from(AuditEntry)))


def verify(app):
    return app.test_cli_runner().invoke(main, ["audit", "verify"])


def shown_ids(page) -> list[int]:
    assert page.status_code == 200, page.status_code
    return [int(i) for i in re.findall(r"<tr>\s*<td>(\d+)</td>", page.get_data(as_text=True))]


@pytest.fixture
def admin_client(app, client):
    make_user(app, ADMIN, platform_admin=True)
    assert login(client, ADMIN).status_code == 302
    return client


def add_membership(app, client, user_id: int, org: str, role: str) -> int:
    """As the signed-in admin; returns the membership id."""
    from core.identity.models import Membership

    data = {"organisation": org_id(app, org), "role": role}
    page = client.post(f"/beheer/gebruikers/{user_id}", data=data)
    if page.status_code == 409:  # a membership in that organisation exists: shown first, then saved knowingly
        version = re.search(r'name="version"[^>]*value="([^"]*)"', page.get_data(as_text=True)).group(1)
        page = client.post(f"/beheer/gebruikers/{user_id}", data={**data, "version": version})
    assert page.status_code == 302, page.get_data(as_text=True)
    return run(app, lambda s: s.scalar(select(Membership.id).where(
        Membership.user_id == user_id, Membership.organisation_id == org_id(app, org))))


# --- written with every change ------------------------------------------------

def test_admin_membership_changes_are_audited_with_who_what_before_and_after(app, admin_client):
    admin_id = run(app, lambda s: s.scalar(text("SELECT id FROM user_account WHERE email = :e"), {"e": ADMIN}))
    person = make_user(app, "persoon@example.nl")
    utrecht = org_id(app, "GM0344")

    mark = last_audit_id(app)
    membership = add_membership(app, admin_client, person, "GM0344", "editor")
    (created,) = entries_after(app, mark)
    assert (created.user_id, created.actor, created.action) == (admin_id, ADMIN, "create")
    assert (created.object_type, created.object_id) == ("membership", str(membership))
    assert created.organisation_id == utrecht
    assert created.before is None
    assert created.after == {"id": membership, "user_id": person, "organisation_id": utrecht, "role": "editor",
                             "ends_on": None}

    mark = last_audit_id(app)
    add_membership(app, admin_client, person, "GM0344", "admin")
    (changed,) = entries_after(app, mark)
    assert (changed.actor, changed.action, changed.object_id) == (ADMIN, "update", str(membership))
    assert changed.before["role"] == "editor"
    assert changed.after["role"] == "admin"

    mark = last_audit_id(app)
    page = admin_client.post(f"/beheer/gebruikers/{person}/lidmaatschap/{membership}/verwijderen")
    assert page.status_code == 302
    (removed,) = entries_after(app, mark)
    assert (removed.actor, removed.action, removed.object_id) == (ADMIN, "delete", str(membership))
    assert removed.before["role"] == "admin"
    assert removed.after is None


def test_coordinator_consortium_change_is_audited_with_its_region(app, client):
    make_user(app, COORDINATOR, org="MC19", role="admin")
    login(client, COORDINATOR)
    mark = last_audit_id(app)
    page = client.post("/regio/rmc-19/consortium/hello",
                       data={"instrument": "hello", "organisation": org_id(app, "25LH"), "role": "penvoerder"})
    assert page.status_code == 302
    (entry,) = entries_after(app, mark)
    assert (entry.actor, entry.action, entry.object_type) == (COORDINATOR, "create", "consortium_member")
    assert entry.region_id == region_id(app, "rmc-19")
    assert entry.organisation_id == org_id(app, "25LH")
    assert entry.after["instrument_key"] == "hello"
    assert entry.after["role"] == "penvoerder"


def test_password_hash_is_never_written_to_the_log(app):
    mark = last_audit_id(app)
    make_user(app, "geheim@example.nl")
    (entry,) = [e for e in entries_after(app, mark) if e.object_type == "user_account"]
    assert entry.after["email"] == "geheim@example.nl"
    assert entry.after["password_hash"] == "[verborgen]"


def test_bulk_written_rows_keep_hidden_columns_hidden(app):
    """Rows written through Core (an Excel import) are audited in bulk entries, with the same hiding."""
    from core.audit.bulk import record_bulk, row_changes
    from core.db import db_session
    from core.identity.models import User

    person = make_user(app, "geheim@example.nl")
    mark = last_audit_id(app)
    with app.app_context():
        session = db_session()
        before = {"id": person, "email": "geheim@example.nl", "password_hash": "oud"}
        after = {"id": person, "email": "geheim@example.nl", "password_hash": "nieuw"}
        assert record_bulk(session.connection(), (None, "systeem"), User, [("update", person, before, after)]) == 1
        session.commit()
    (entry,) = entries_after(app, mark)
    assert (entry.action, entry.object_type, entry.object_id) == ("update", "user_account", "1 rij")
    ((key, old, new),) = row_changes(entry)
    assert key == str(person) and old["password_hash"] == new["password_hash"] == "[verborgen]"
    assert verify(app).exit_code == 0


def test_entry_is_part_of_the_changes_transaction(app):
    from core.db import db_session
    from core.identity.models import Membership

    person = make_user(app, "persoon@example.nl")
    utrecht = org_id(app, "GM0344")
    before = audit_count(app)
    with app.app_context():
        session = db_session()
        session.add(Membership(user_id=person, organisation_id=utrecht, role="viewer"))
        session.flush()
        inside = session.scalar(text("SELECT count(*) FROM audit_entry"))
        with app.extensions["regioplatform.db"].engine.connect() as other:
            outside = other.scalar(text("SELECT count(*) FROM audit_entry"))
        session.rollback()
    assert (inside, outside) == (before + 1, before)
    assert audit_count(app) == before
    assert run(app, lambda s: s.scalar(select(func.count()).select_from(Membership))) == 0


def test_failed_change_writes_no_entry_and_leaves_nothing_behind(app):
    from core.db import db_session
    from core.identity.models import Membership

    person = make_user(app, "persoon@example.nl")
    utrecht, rotterdam = org_id(app, "GM0344"), org_id(app, "GM0599")
    before = audit_count(app)
    with app.app_context():
        session = db_session()
        session.add(Membership(user_id=person, organisation_id=rotterdam, role="viewer"))
        session.flush()
        session.add(Membership(user_id=person, organisation_id=rotterdam, role="editor"))  # unique violation
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
        assert audit_count(app) == before

        # The next, valid change writes exactly its own entry: nothing of the failed one lingers.
        session.add(Membership(user_id=person, organisation_id=utrecht, role="viewer"))
        session.commit()
    assert audit_count(app) == before + 1
    assert verify(app).exit_code == 0


def test_rejected_form_writes_no_entry(app, admin_client):
    before = audit_count(app)
    page = admin_client.post("/beheer/organisaties/nieuw", data={"kind": "mbo", "identifier": "1234", "name": "X"})
    assert page.status_code == 400
    assert audit_count(app) == before


# --- regio audit verify ---------------------------------------------------------

def _some_changes(app, client) -> list[int]:
    person = make_user(app, "persoon@example.nl")
    return [add_membership(app, client, person, org, "viewer") for org in ("GM0344", "GM0599", "25LH")]


def test_verify_passes_on_a_clean_log(app, admin_client):
    _some_changes(app, admin_client)
    result = verify(app)
    assert result.exit_code == 0, result.output
    first, note = result.stdout.strip().splitlines()
    assert first == f"Auditlog in orde: {audit_count(app)} regels, keten ongebroken."
    assert note.startswith("Geen checkpoint gevonden")


def test_verify_names_a_tampered_row(app, admin_client):
    from core.audit.models import AuditEntry

    mark = last_audit_id(app)
    _some_changes(app, admin_client)
    target = entries_after(app, mark)[-2]
    forged = {**target.after, "role": "admin"}
    with app.extensions["regioplatform.db"].engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET after = :after WHERE id = :id")
                     .bindparams(bindparam("after", type_=JSON)), {"after": forged, "id": target.id})
    assert run(app, lambda s: s.get(AuditEntry, target.id).after["role"]) == "admin"

    result = verify(app)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"audit-regel {target.id}: de inhoud komt niet overeen met de hash: de regel is gewijzigd",
        f"Auditlog NIET in orde: 1 probleem/problemen in {audit_count(app)} regels.",
    ]


def test_anyone_can_recompute_an_entry_hash_from_its_stored_fields(app, admin_client):
    """The hash is SHA-256 over the fields' JSON (sorted keys, no spaces, UTF-8) with `at` in UTC."""
    import hashlib
    import json

    from core.audit.chain import GENESIS

    make_user(app, "zoë@example.nl")  # non-ASCII text in the hashed values
    _some_changes(app, admin_client)
    rows = run(app, lambda s: s.execute(text(
        "SELECT at, user_id, actor, action, object_type, object_id, region_id, organisation_id, "
        "before, after, prev_hash, hash FROM audit_entry ORDER BY id")).all())
    previous = GENESIS
    for at, *fields, prev_hash, stored in rows:
        if isinstance(at, str):  # SQLite keeps the UTC time as text
            at = dt.datetime.fromisoformat(at)
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None) if at.tzinfo else at
        values = dict(zip(["user_id", "actor", "action", "object_type", "object_id", "region_id",
                           "organisation_id", "before", "after"], fields))
        for key in ("before", "after"):
            if isinstance(values[key], str):
                values[key] = json.loads(values[key])
        payload = {**values, "at": at.isoformat(timespec="microseconds"), "prev_hash": prev_hash}
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert prev_hash == previous
        assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == stored
        previous = stored
    assert len(rows) >= 5


def test_verify_names_the_gap_of_a_deleted_middle_row(app, admin_client):
    mark = last_audit_id(app)
    _some_changes(app, admin_client)
    first, middle, last = [e.id for e in entries_after(app, mark)[-3:]]
    with app.extensions["regioplatform.db"].engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": middle})

    result = verify(app)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"audit-regel {last}: de keten is onderbroken na regel {first}: "
        "een regel ertussen is verwijderd of gewijzigd"
    )
    assert "NIET in orde" in result.stderr


# --- the admin audit page ---------------------------------------------------------

@pytest.fixture
def history(app, admin_client):
    """Three changes by two people in different places; returns their entry ids."""
    person = make_user(app, "persoon@example.nl")
    make_user(app, COORDINATOR, org="MC19", role="admin")
    mark = last_audit_id(app)
    utrecht_membership = add_membership(app, admin_client, person, "GM0344", "viewer")
    add_membership(app, admin_client, person, "GM0599", "viewer")
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    assert coordinator.post("/regio/rmc-19/consortium/hello", data={
        "instrument": "hello", "organisation": org_id(app, "25LH"), "role": "penvoerder"}).status_code == 302
    utrecht, rotterdam, consortium = [e.id for e in entries_after(app, mark)]
    return {"utrecht": utrecht, "rotterdam": rotterdam, "consortium": consortium,
            "utrecht_membership": utrecht_membership}


def audit_page(client, **params):
    return client.get("/beheer/audit", query_string=params)


def test_audit_page_lists_newest_first(app, admin_client, history):
    ids = shown_ids(audit_page(admin_client))
    assert ids[:3] == [history["consortium"], history["rotterdam"], history["utrecht"]]


def test_audit_page_filters_by_region(app, admin_client, history):
    from core.audit.models import AuditEntry

    utrecht_region = region_id(app, "rmc-19")
    ids = shown_ids(audit_page(admin_client, region=utrecht_region))
    assert history["consortium"] in ids
    assert history["utrecht"] not in ids  # a membership belongs to no region
    regions = run(app, lambda s: set(s.scalars(select(AuditEntry.region_id).where(AuditEntry.id.in_(ids)))))
    assert regions == {utrecht_region}


def test_audit_page_filters_by_organisation_identifier(app, admin_client, history):
    from core.audit.models import AuditEntry

    ids = shown_ids(audit_page(admin_client, organisation="gm0344"))
    assert history["utrecht"] in ids
    assert history["rotterdam"] not in ids and history["consortium"] not in ids
    orgs = run(app, lambda s: set(s.scalars(select(AuditEntry.organisation_id).where(AuditEntry.id.in_(ids)))))
    assert orgs == {org_id(app, "GM0344")}
    assert shown_ids(audit_page(admin_client, organisation="GM9999")) == []


def test_audit_page_filters_by_user_email(app, admin_client, history):
    assert shown_ids(audit_page(admin_client, user=COORDINATOR)) == [history["consortium"]]
    assert shown_ids(audit_page(admin_client, user="Admin@Example.NL")) == [history["rotterdam"], history["utrecht"]]
    assert shown_ids(audit_page(admin_client, user=ADMIN, organisation="GM0599")) == [history["rotterdam"]]


def test_audit_page_filters_by_object_type_and_id(app, admin_client, history):
    assert shown_ids(audit_page(admin_client, object_type="consortium_member")) == [history["consortium"]]
    assert shown_ids(audit_page(admin_client, object_type="membership",
                                object_id=str(history["utrecht_membership"]))) == [history["utrecht"]]


def test_audit_page_filters_by_date_range(app, admin_client, history):
    from core.audit.models import AuditEntry

    with app.extensions["regioplatform.db"].engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.id == history["rotterdam"])
                     .values(at=dt.datetime(2024, 3, 15, 23, 30, tzinfo=dt.timezone.utc)))
    march = shown_ids(audit_page(admin_client, date_from="2024-03-01", date_to="2024-03-15"))
    assert march == [history["rotterdam"]]
    assert shown_ids(audit_page(admin_client, date_from="2024-03-16", date_to="2024-03-31")) == []
    page = audit_page(admin_client, date_from="2024-03-01", date_to="2024-03-14")
    assert shown_ids(page) == []
    assert "Geen wijzigingen gevonden." in page.get_data(as_text=True)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    recent = shown_ids(audit_page(admin_client, date_from=today))
    assert history["utrecht"] in recent and history["consortium"] in recent
    assert history["rotterdam"] not in recent


def test_audit_page_rejects_a_bad_date_in_dutch(app, admin_client, history):
    page = audit_page(admin_client, date_from="2024-13-01")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Vanaf datum: Ongeldige datum." in html
    assert "Not a valid" not in html


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_audit_page_is_forbidden_for_non_admins(app, client, role):
    make_user(app, "iemand@example.nl", org="MC19", role=role)  # admin of MC19 = region coordinator
    login(client, "iemand@example.nl")
    page = client.get("/beheer/audit")
    assert page.status_code == 403
    assert "Geen toegang" in page.get_data(as_text=True)


def test_audit_page_sends_anonymous_visitors_to_login(client):
    page = client.get("/beheer/audit")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/inloggen")
