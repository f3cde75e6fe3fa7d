"""kwetsbare_jongeren: one count per reporter, municipality, period and category.

The reporter is part of the natural key again: a municipality and the RMC
each keep their own report about a municipality, and the figures count one of
them (plugins/kwetsbare_jongeren/figures.py, `counted`). Upgrading keeps every stored
count (there is one per cell, so the wider key holds).

Downgrading goes back to one count per cell: where a cell has more than one
report, only the one that counts is kept (the municipality's own report, else
the first stored; the rule of figures.counted as of this revision), so the
region's figures stay the same but the other reports are removed.

Revision ID: 6b1700000003
Revises: 6b1700000002
Create Date: 2026-12-05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6b1700000003"
down_revision = "6b1700000002"
branch_labels = None
depends_on = None

CELL = "uq_kwetsbare_jongeren_count_municipality_period_category"
REPORTER = "uq_kwetsbare_jongeren_count_cell_reporter"


def _not_counted(conn) -> list[int]:
    """Ids of the reports that do not count for their cell (another report of the cell does)."""
    rows = conn.execute(sa.text(
        "SELECT c.id, c.region_id, c.municipality, c.period, c.category, o.identifier "
        "FROM kwetsbare_jongeren_count c JOIN organisation o ON o.id = c.organisation_id ORDER BY c.id")).all()
    best: dict[tuple, tuple[bool, int]] = {}
    for row_id, region_id, municipality, period, category, reporter in rows:
        key = (region_id, municipality, period, category)
        own = reporter == municipality
        kept = best.get(key)
        if kept is None or (own and not kept[0]):  # ids ascend: the first stored, unless the own report comes
            best[key] = (own, row_id)
    keep = {row_id for _own, row_id in best.values()}
    return [row[0] for row in rows if row[0] not in keep]


def upgrade() -> None:
    with op.batch_alter_table("kwetsbare_jongeren_count", schema=None) as batch_op:
        batch_op.drop_constraint(CELL, type_="unique")
        batch_op.create_unique_constraint(REPORTER, ["region_id", "municipality", "period", "category",
                                                     "organisation_id"])


def downgrade() -> None:
    conn = op.get_bind()
    drop = _not_counted(conn)
    for start in range(0, len(drop), 500):
        conn.execute(sa.text("DELETE FROM kwetsbare_jongeren_count WHERE id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)), {"ids": drop[start:start + 500]})
    with op.batch_alter_table("kwetsbare_jongeren_count", schema=None) as batch_op:
        batch_op.drop_constraint(REPORTER, type_="unique")
        batch_op.create_unique_constraint(CELL, ["region_id", "municipality", "period", "category"])
