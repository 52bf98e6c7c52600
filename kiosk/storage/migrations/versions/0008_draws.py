"""draws and their outcomes (the lottery, issue 9)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'draws',
        sa.Column('draw_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('plan_code', sa.String(length=16), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('list_hash', sa.String(length=64), nullable=False),
        sa.Column('seed', sa.String(length=64), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('retracted_at', sa.DateTime(), nullable=True),
        sa.Column('record_json', sa.JSON(), nullable=False),
        sa.Column('fetched_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('draw_id'),
    )
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draws_plan_code'), ['plan_code'], unique=False)
    op.create_table(
        'draw_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draw_id', sa.Integer(), nullable=False),
        sa.Column('plan_code', sa.String(length=16), nullable=False),
        sa.Column('reg_no', sa.String(length=32), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('pool', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('unit_code', sa.String(length=32), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('filing_no', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['draw_id'], ['draws.draw_id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('draw_id', 'reg_no'),
    )
    with op.batch_alter_table('draw_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_outcomes_reg_no'), ['reg_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_draw_outcomes_filing_no'), ['filing_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('draw_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_outcomes_filing_no'))
        batch_op.drop_index(batch_op.f('ix_draw_outcomes_reg_no'))
    op.drop_table('draw_outcomes')
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draws_plan_code'))
    op.drop_table('draws')
