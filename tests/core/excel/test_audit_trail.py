"""An import is audited in bulk entries: the audit page still finds each row's change, and the chain verifies."""
from __future__ import annotations

import re

from sqlalchemy import select, text

from core.cli import main
from core.testing import login, make_user

from .conftest import EDITOR, add_membership, greetings, openpyxl_file, row, run_import

ADMIN = "beheer@example.nl"


def audit_rows(client, **params) -> list[list[str]]:
    """The audit page's entries as their cells (#, time, who, action, object, before, after), newest first."""
    page = client.get("/beheer/audit", query_string=params)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", td)).replace("&#34;", '"').strip()
             for td in re.findall(r"<td>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def verify(app):
    return app.test_cli_runner().invoke(main, ["audit", "verify"])


def greeting_entries(app) -> list:
    from core.audit.models import AuditEntry
    from core.db import db_session

    with app.app_context():
        return db_session().scalars(select(AuditEntry).where(AuditEntry.object_type == "hello_greeting")
                                    .order_by(AuditEntry.id)).all()


def admin_client(app):
    make_user(app, ADMIN, platform_admin=True)
    client = app.test_client()
    login(client, ADMIN)
    return client


def test_each_imported_row_shows_its_own_change_on_the_audit_page(app, editor):
    assert run_import(app, openpyxl_file([row("Een"), row("Twee", sent=20), row("Drie", budget=7.5)])).ok
    assert run_import(app, openpyxl_file([row("Een"), row("Twee", sent=21), row("Drie", budget=7.5)])).ok
    ids = {g["text"]: g["id"] for g in greetings(app)}
    admin = admin_client(app)

    for text_ in ("Een", "Drie"):  # only the row asked for, not the other rows of its entry
        (created,) = audit_rows(admin, object_type="hello_greeting", object_id=str(ids[text_]))
        assert created[2:5] == [EDITOR, "create", "hello_greeting 3 rijen"]
        assert created[5] == "" and f'"text": "{text_}"' in created[6] and created[6].count('"text"') == 1
    updated, created = audit_rows(admin, object_type="hello_greeting", object_id=str(ids["Twee"]))
    assert updated[2:5] == [EDITOR, "update", "hello_greeting 1 rij"]
    assert '"sent": 20' in updated[5] and '"sent": 21' in updated[6]
    assert created[2:5] == [EDITOR, "create", "hello_greeting 3 rijen"] and '"text": "Twee"' in created[6]

    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "keten ongebroken" in result.stdout


def test_an_entry_covers_one_organisation_so_the_organisation_filter_finds_its_rows(app, editor):
    add_membership(app, EDITOR, "GM0310", "editor")
    assert run_import(app, openpyxl_file([row("Een"), row("Twee", org="GM0310"), row("Drie")])).ok
    admin = admin_client(app)
    (utrecht,) = audit_rows(admin, organisation="GM0344", object_type="hello_greeting")
    assert utrecht[4] == "hello_greeting 2 rijen"
    assert '"text": "Een"' in utrecht[6] and '"text": "Drie"' in utrecht[6] and "Twee" not in utrecht[6]
    (de_bilt,) = audit_rows(admin, organisation="GM0310", object_type="hello_greeting")
    assert de_bilt[4] == "hello_greeting 1 rij" and '"text": "Twee"' in de_bilt[6]


def test_a_large_import_is_split_into_entries_and_every_row_stays_findable(app, editor, monkeypatch):
    from core.audit import bulk

    monkeypatch.setattr(bulk, "BULK_ROWS", 2)
    assert run_import(app, openpyxl_file([row(f"Groet {i}") for i in range(5)])).ok
    assert [e.object_id for e in greeting_entries(app)] == ["2 rijen", "2 rijen", "1 rij"]
    admin = admin_client(app)
    for g in greetings(app):
        (entry,) = audit_rows(admin, object_id=str(g["id"]), object_type="hello_greeting")
        assert f'"text": "{g["text"]}"' in entry[6]
    assert verify(app).exit_code == 0


def test_import_entries_keep_the_stored_values_before_and_after(app, editor):
    from core.audit.bulk import row_changes

    assert run_import(app, openpyxl_file([row("Een", budget=12.5)])).ok
    assert run_import(app, openpyxl_file([row("Een", budget=13)])).ok
    (greeting,) = greetings(app)
    create, update = greeting_entries(app)
    ((key, before, after),) = row_changes(create)
    assert key == str(greeting["id"]) and before is None
    assert after["budget"] == "12.50" and after["sent_on"] == "2024-09-01" and after["public"] is True
    ((key, before, after),) = row_changes(update)
    assert key == str(greeting["id"]) and (before["budget"], after["budget"]) == ("12.50", "13.00")
    assert update.organisation_id == greeting["organisation_id"] and update.region_id == greeting["region_id"]


def test_verify_notices_a_row_removed_from_the_row_index(app, editor):
    assert run_import(app, openpyxl_file([row("Een"), row("Twee")])).ok
    (entry,) = greeting_entries(app)
    with app.extensions["regioplatform.db"].engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_row WHERE entry_id = :id AND object_id = :key"),
                     {"id": entry.id, "key": str(greetings(app)[0]["id"])})
    result = verify(app)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"audit-regel {entry.id}: de rijen-index (audit_row) wijkt af van de rijen in de regel")


def test_each_created_row_is_audited_under_its_own_id_when_ids_come_out_of_file_order(app, editor, monkeypatch):
    """The ids of new rows are matched to the file's rows in order; rows that do not line up (inserted in
    another order, another writer's row in between) are still audited under their own id."""
    from core.audit.bulk import row_changes
    from core.excel import store

    def reversed_with_another_row_first(conn, table, columns, rows, **kwargs):
        other = tuple("Van iemand anders" if c == "text" else v for c, v in zip(columns, rows[0]))
        store_insert(conn, table, columns, [other], **kwargs)
        store_insert(conn, table, columns, list(reversed(rows)), **kwargs)

    store_insert = store.insert_rows
    monkeypatch.setattr(store, "insert_rows", reversed_with_another_row_first)
    assert run_import(app, openpyxl_file([row("Een"), row("Twee"), row("Drie")])).ok
    stored = {g["id"]: g["text"] for g in greetings(app)}
    assert sorted(stored.values()) == ["Drie", "Een", "Twee", "Van iemand anders"]
    (entry,) = greeting_entries(app)
    audited = {int(key): after["text"] for key, _before, after in row_changes(entry)}
    assert audited == {row_id: text_ for row_id, text_ in stored.items() if text_ != "Van iemand anders"}
