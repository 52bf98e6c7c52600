"""outbox: index of what the centre refused

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The sync strip counts refused cancellations and phone changes on every refresh; sent rows pile up.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_refused', ['id'], unique=False, sqlite_where=sa.text("result IN ('rejected', 'invalid')"))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_refused', sqlite_where=sa.text("result IN ('rejected', 'invalid')"))
