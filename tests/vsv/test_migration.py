"""The migration to one figures table: institution figures move into vsv_figure with their BRIN, and back."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from core.cli import main as regio_cli
from core.db import database

from .conftest import figures, org_id


def _run(app, *args):
    result = app.test_cli_runner().invoke(regio_cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def _rows(sql: str, **params):
    with database().engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(sql), params))


def test_institution_figures_move_into_the_one_table_and_back(app):
    gm0344 = org_id(app, "GM0344")
    with app.app_context():
        (region,) = _rows("SELECT id FROM region WHERE slug = 'rmc-19'")[0]
    try:
        with app.app_context():
            _run(app, "db", "downgrade", "7a5700000001")
            with database().engine.begin() as conn:
                conn.execute(text("INSERT INTO vsv_figure (region_id, organisation_id, school_year, participants, "
                                  "new_leavers, is_demo) VALUES (:r, :o, '2024-2025', 1000, 20, false)"),
                             {"r": region, "o": gm0344})
                conn.execute(text("INSERT INTO vsv_institution_figure (region_id, organisation_id, school_year, brin, "
                                  "participants, new_leavers, is_demo) VALUES (:r, :o, '2024-2025', '25LH', 300, 9, "
                                  "false)"), {"r": region, "o": gm0344})
            _run(app, "db", "upgrade")
        assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20), ("2024-2025", "GM0344", "25LH", 300, 9)]
        with app.app_context():
            # the partial unique index keeps the municipality's own row (BRIN NULL) unique
            with pytest.raises(Exception), database().engine.begin() as conn:
                conn.execute(text("INSERT INTO vsv_figure (region_id, organisation_id, school_year, participants, "
                                  "new_leavers, is_demo) VALUES (:r, :o, '2024-2025', 1, 1, false)"),
                             {"r": region, "o": gm0344})
            _run(app, "db", "downgrade", "7a5700000001")
            assert _rows("SELECT school_year, brin, participants FROM vsv_institution_figure") == [
                ("2024-2025", "25LH", 300)]
            assert _rows("SELECT school_year, participants FROM vsv_figure") == [("2024-2025", 1000)]
    finally:
        with app.app_context():
            _run(app, "db", "upgrade")
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20), ("2024-2025", "GM0344", "25LH", 300, 9)]
