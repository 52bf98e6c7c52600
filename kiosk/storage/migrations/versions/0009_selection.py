"""selection result sheets kept at the counter (on-site selection, issue 10)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selection_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_code", sa.String(length=16), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("filing_no", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        sa.Column("counter", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.Column("sheet_path", sa.String(length=512), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_code", "reg_no"),
    )
    with op.batch_alter_table("selection_sheets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_sheets_reg_no"), ["reg_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_selection_sheets_filing_no"), ["filing_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("selection_sheets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_sheets_filing_no"))
        batch_op.drop_index(batch_op.f("ix_selection_sheets_reg_no"))
    op.drop_table("selection_sheets")
