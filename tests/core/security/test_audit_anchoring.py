"""The audit log is anchored outside the database: sequence numbers, a keyed hash, signed checkpoints.

Each tampering a database administrator could do is detected by
`regio audit verify`: deleting the newest entries, deleting everything,
deleting one in the middle, and rewriting an entry with every hash after it
recomputed (which needs no secret for the SHA-256 chain, but does for the
keyed hash).
"""
from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import text

from core.cli import main as regio
from core.testing import make_user

PG = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture
def anchored(app_factory, tmp_path):
    """An app with a few audited changes, its checkpoint directory in tmp_path."""
    app = app_factory(AUDIT_CHECKPOINT_DIR=str(tmp_path / "checkpoints"))
    for i in range(3):
        make_user(app, f"persoon{i}@example.nl", org="GM0344", role="viewer")
    return app


def cli(app, *args):
    return app.test_cli_runner().invoke(regio, list(args))


def sql(app, statement: str, **params):
    from core.db import database

    with app.app_context(), database().engine.begin() as conn:
        result = conn.execute(text(statement), params)
        return result.all() if result.returns_rows else None


def entries(app) -> list:
    return sql(app, "SELECT id, seq, hash, mac FROM audit_entry ORDER BY id")


def assert_detected(app, *phrases):
    result = cli(app, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "Auditlog NIET in orde" in result.output
    for phrase in phrases:
        assert phrase in result.output, result.output
    return result.output


def test_entries_carry_gap_free_sequence_numbers_and_a_keyed_hash(anchored):
    from core.audit.keyed import entry_mac, key_from_config

    rows = entries(anchored)
    assert len(rows) >= 6
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    key = key_from_config(anchored.config)
    assert all(row.mac == entry_mac(key, row.seq, row.hash) for row in rows)


def test_checkpoint_is_signed_and_verify_checks_against_it(anchored, tmp_path):
    result = cli(anchored, "audit", "checkpoint")
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "checkpoints").glob("checkpoint-*.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    last = entries(anchored)[-1]
    assert (document["volgnummer"], document["kop_hash"]) == (last.seq, last.hash)
    assert document["platformhandtekening"]["algoritme"] == "Ed25519"
    published = anchored.test_client().get("/.well-known/regioplatform-signing-key").get_json()
    assert document["platformhandtekening"]["publieke_sleutel"] == published["publieke_sleutel"]

    make_user(anchored, "later@example.nl", org="GM0344", role="viewer")  # the log grows after a checkpoint
    verified = cli(anchored, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert f"Tot en met volgnummer {last.seq} gelijk aan het checkpoint" in verified.output


def test_deleting_the_tail_is_detected(anchored):
    assert cli(anchored, "audit", "checkpoint").exit_code == 0
    last_two = [row.id for row in entries(anchored)[-2:]]
    sql(anchored, f"DELETE FROM audit_row WHERE entry_id IN ({last_two[0]}, {last_two[1]})")
    sql(anchored, f"DELETE FROM audit_entry WHERE id IN ({last_two[0]}, {last_two[1]})")
    assert_detected(anchored, "afgekapt", "de laatste regels zijn verwijderd")


def test_deleting_everything_is_detected(anchored):
    assert cli(anchored, "audit", "checkpoint").exit_code == 0
    sql(anchored, "DELETE FROM audit_row")
    sql(anchored, "DELETE FROM audit_entry")
    assert_detected(anchored, "afgekapt", "alle regels zijn verwijderd")


def test_deleting_one_in_the_middle_is_named_by_its_sequence_number(anchored):
    middle = entries(anchored)[2]
    sql(anchored, "DELETE FROM audit_entry WHERE id = :id", id=middle.id)
    assert_detected(anchored, f"volgnummer {middle.seq} tot en met {middle.seq} ontbreekt: verwijderd")


def _rewrite_and_recompute(app, victim_index: int) -> None:
    """Change one entry and recompute its hash and every later one, as anyone can (no key)."""
    from core.audit.chain import HASHED_FIELDS, entry_hash
    from core.audit.models import AuditEntry
    from core.db import db_session

    with app.app_context():
        session = db_session()
        rows = session.query(AuditEntry).order_by(AuditEntry.id).all()
        victim = rows[victim_index]
        victim.actor = "iemand-anders@example.nl"
        previous = rows[victim_index - 1].hash if victim_index else "0" * 64
        for entry in rows[victim_index:]:
            entry.prev_hash = previous
            entry.hash = entry_hash({name: getattr(entry, name) for name in HASHED_FIELDS})
            previous = entry.hash
        session.commit()


def test_a_rewrite_with_recomputed_hashes_but_without_the_key_is_detected(anchored):
    _rewrite_and_recompute(anchored, 2)
    output = assert_detected(anchored, "de sleutelhash (AUDIT_KEY) klopt niet")
    assert "de inhoud komt niet overeen" not in output  # the plain chain alone would have passed


def test_a_rewrite_before_the_checkpoint_is_also_named_against_it(anchored):
    assert cli(anchored, "audit", "checkpoint").exit_code == 0
    _rewrite_and_recompute(anchored, 1)
    assert_detected(anchored, "herschreven: de regel met volgnummer", "sleutelhash")


def test_another_audit_key_fails_every_entry(anchored):
    from tests.conftest import build_app

    # The same database, read by a server with a different AUDIT_KEY.
    wrong = build_app(anchored.config["DATABASE_URL"], anchored.instance_path, AUDIT_KEY="x" * 40,
                      AUDIT_CHECKPOINT_DIR=anchored.config["AUDIT_CHECKPOINT_DIR"])
    assert_detected(wrong, "sleutelhash")
    wrong.extensions["regioplatform.db"].dispose()


def test_a_forged_checkpoint_is_not_trusted(anchored, tmp_path):
    assert cli(anchored, "audit", "checkpoint").exit_code == 0
    (path,) = (tmp_path / "checkpoints").glob("checkpoint-*.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["volgnummer"] = 1  # "the log was only one entry long"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert_detected(anchored, "niet te vertrouwen", "de handtekening klopt niet")
    assert cli(anchored, "audit", "checkpoint").exit_code == 1  # and no new checkpoint on top of it


def test_no_checkpoint_is_written_for_a_tampered_log(anchored, tmp_path):
    _rewrite_and_recompute(anchored, 1)
    result = cli(anchored, "audit", "checkpoint")
    assert result.exit_code == 1 and "geen checkpoint geschreven" in result.output
    assert not list((tmp_path / "checkpoints").glob("checkpoint-*.json"))


@pytest.mark.skipif(PG, reason="takes the shared PostgreSQL test database down a revision; SQLite file only")
def test_the_migration_numbers_and_keys_existing_entries(anchored):
    from core import migrate

    before = [(row.id, row.hash) for row in entries(anchored)]
    with anchored.app_context():
        migrate.downgrade(anchored, "c0de0000a401")
        migrate.upgrade(anchored)
    rows = entries(anchored)
    assert [(row.id, row.hash) for row in rows] == before
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert cli(anchored, "audit", "verify").exit_code == 0
