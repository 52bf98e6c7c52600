"""registrations: when the retention purge masked them (issue 11), so the daily purge skips them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Registrations purged before this column existed are masked already; the next purge marks them, once.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))
        # The daily purge reads only what it has not purged yet: the rows it is done with stay out of its way.
        batch_op.create_index(
            "ix_registrations_unpurged", ["plan_id"], unique=False, sqlite_where=sa.text("purged_at IS NULL")
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_unpurged", sqlite_where=sa.text("purged_at IS NULL"))
        batch_op.drop_column("purged_at")
