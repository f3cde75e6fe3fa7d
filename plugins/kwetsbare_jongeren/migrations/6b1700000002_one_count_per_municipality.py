"""kwetsbare_jongeren: one count per municipality, period and category, whoever reports it.

Before, the municipality and the RMC could each store a count for the same
municipality, period and category, and the region totals added both. Where
both exist, the municipality's own report is kept (else the latest one) and
the other removed; then the unique key no longer includes the reporter.

Revision ID: 6b1700000002
Revises: 6b1700000001
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6b1700000002"
down_revision = "6b1700000001"
branch_labels = None
depends_on = None

OLD = "uq_kwetsbare_jongeren_count_natural_key"
NEW = "uq_kwetsbare_jongeren_count_municipality_period_category"


def _duplicates(conn) -> list[int]:
    """Ids of the counts that double another report of the same cell (the municipality's own one wins)."""
    rows = conn.execute(sa.text(
        "SELECT c.id, c.region_id, c.municipality, c.period, c.category, o.identifier "
        "FROM kwetsbare_jongeren_count c JOIN organisation o ON o.id = c.organisation_id")).all()
    best: dict[tuple, tuple] = {}
    drop: list[int] = []
    for row_id, region_id, municipality, period, category, reporter in rows:
        key = (region_id, municipality, period, category)
        rank = (reporter == municipality, row_id)
        kept = best.get(key)
        if kept is None:
            best[key] = rank
        elif rank > kept:
            drop.append(kept[1])
            best[key] = rank
        else:
            drop.append(row_id)
    return drop


def upgrade() -> None:
    conn = op.get_bind()
    drop = _duplicates(conn)
    for start in range(0, len(drop), 500):
        conn.execute(sa.text("DELETE FROM kwetsbare_jongeren_count WHERE id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)), {"ids": drop[start:start + 500]})
    with op.batch_alter_table("kwetsbare_jongeren_count", schema=None) as batch_op:
        batch_op.drop_constraint(OLD, type_="unique")
        batch_op.create_unique_constraint(NEW, ["region_id", "municipality", "period", "category"])


def downgrade() -> None:
    with op.batch_alter_table("kwetsbare_jongeren_count", schema=None) as batch_op:
        batch_op.drop_constraint(NEW, type_="unique")
        batch_op.create_unique_constraint(OLD, ["region_id", "organisation_id", "municipality", "period",
                                                "category"])
