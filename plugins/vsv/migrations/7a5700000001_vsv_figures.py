"""vsv: figures per school year and municipality, and per mbo institution.

Revision ID: 7a5700000001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "7a5700000001"
down_revision = None
branch_labels = ("vsv",)
depends_on = "c0de00000003"


def upgrade() -> None:
    op.create_table('vsv_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('new_leavers', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint('participants >= 0 AND new_leavers >= 0 AND new_leavers <= participants', name=op.f('ck_vsv_figure_counts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_vsv_figure_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_vsv_figure_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vsv_figure')),
    sa.UniqueConstraint('region_id', 'organisation_id', 'school_year', name=op.f('uq_vsv_figure_key'))
    )
    with op.batch_alter_table('vsv_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vsv_figure_region_id'), ['region_id'], unique=False)

    op.create_table('vsv_institution_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('brin', sa.String(length=4), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('new_leavers', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint('participants >= 0 AND new_leavers >= 0 AND new_leavers <= participants', name=op.f('ck_vsv_institution_figure_counts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_vsv_institution_figure_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_vsv_institution_figure_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vsv_institution_figure')),
    sa.UniqueConstraint('region_id', 'organisation_id', 'school_year', 'brin', name=op.f('uq_vsv_institution_figure_key'))
    )
    with op.batch_alter_table('vsv_institution_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vsv_institution_figure_region_id'), ['region_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vsv_institution_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vsv_institution_figure_region_id'))

    op.drop_table('vsv_institution_figure')
    with op.batch_alter_table('vsv_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vsv_figure_region_id'))

    op.drop_table('vsv_figure')
