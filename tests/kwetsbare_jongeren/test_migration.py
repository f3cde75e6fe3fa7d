"""Revision 6b1700000002: counts stored twice for one municipality, period and category (by the municipality
and by the RMC, as the first revision allowed) become one; the municipality's own report is kept."""
from __future__ import annotations

from sqlalchemy import select, text

from core.cli import main as regio
from core.db import database, db_session
from core.plugin_api import Organisation, Region


INSERT = text("INSERT INTO kwetsbare_jongeren_count (region_id, organisation_id, municipality, period, "
              "category, count, is_demo) VALUES (:r, :o, :m, '2024-2025', :c, :n, false)")


def region_and_reporters() -> tuple[int, dict[str, int]]:
    """rmc-19's id and the ids of the RMC and two municipalities (in an app context)."""
    session = db_session()
    region = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
    ids = dict(session.execute(select(Organisation.identifier, Organisation.id)
                               .where(Organisation.identifier.in_(["MC19", "GM0344", "GM0310"]))).all())
    session.close()
    return region, ids


def test_upgrade_keeps_one_count_per_cell_preferring_the_municipalitys_own(app):
    with app.app_context():
        region, ids = region_and_reporters()
        runner = app.test_cli_runner()
        result = runner.invoke(regio, ["db", "downgrade", "6b1700000001"])
        assert result.exit_code == 0, result.output
        try:
            insert = INSERT
            with database().engine.begin() as conn:
                for org, muni, cat, n in [("MC19", "GM0344", "in beeld", 42), ("GM0344", "GM0344", "in beeld", 40),
                                          ("MC19", "GM0310", "in beeld", 3),
                                          ("GM0344", "GM0344", "begeleid naar werk", 12)]:
                    conn.execute(insert, {"r": region, "o": ids[org], "m": muni, "c": cat, "n": n})
        finally:
            result = runner.invoke(regio, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with database().engine.connect() as conn:
            rows = set(conn.execute(text("SELECT organisation_id, municipality, category, count "
                                         "FROM kwetsbare_jongeren_count")).all())
        assert rows == {(ids["GM0344"], "GM0344", "in beeld", 40), (ids["MC19"], "GM0310", "in beeld", 3),
                        (ids["GM0344"], "GM0344", "begeleid naar werk", 12)}


def test_revision_3_keeps_each_reporters_count_and_its_downgrade_keeps_the_one_that_counts(app):
    """Upgrading to the key with the reporter keeps every count; downgrading to one count per cell keeps the
    report that counts (the municipality's own, else the first stored) and removes the others."""
    with app.app_context():
        region, ids = region_and_reporters()
        insert = INSERT
        with database().engine.begin() as conn:
            for org, muni, cat, n in [("MC19", "GM0344", "in beeld", 42), ("GM0344", "GM0344", "in beeld", 40),
                                      ("MC19", "GM0310", "in beeld", 3), ("GM0344", "GM0310", "in beeld", 5),
                                      ("MC19", "GM0344", "begeleid naar werk", 12)]:
                conn.execute(insert, {"r": region, "o": ids[org], "m": muni, "c": cat, "n": n})
        query = text("SELECT organisation_id, municipality, category, count FROM kwetsbare_jongeren_count")
        runner = app.test_cli_runner()
        result = runner.invoke(regio, ["db", "downgrade", "6b1700000002"])
        try:
            assert result.exit_code == 0, result.output
            with database().engine.connect() as conn:
                kept = set(conn.execute(query).all())
            assert kept == {(ids["GM0344"], "GM0344", "in beeld", 40), (ids["MC19"], "GM0310", "in beeld", 3),
                            (ids["MC19"], "GM0344", "begeleid naar werk", 12)}
        finally:
            result = runner.invoke(regio, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with database().engine.connect() as conn:
            assert set(conn.execute(query).all()) == kept
            # the wider key: the RMC may store its own count next to the municipality's again
            conn.execute(insert, {"r": region, "o": ids["MC19"], "m": "GM0344", "c": "in beeld", "n": 42})
            conn.commit()
