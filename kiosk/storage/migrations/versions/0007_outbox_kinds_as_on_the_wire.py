"""outbox: kinds named as on the wire (kiosk_core.wire.EventKind)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The counter used its own names and renamed them on the way out; unsent messages keep their place in line.
RENAMES = (
    ('registration_created', 'registration'),
    ('registration_cancelled', 'cancellation'),
    ('phone_updated', 'phone_update'),
)


def upgrade() -> None:
    for old, new in RENAMES:
        op.execute(f"UPDATE outbox SET kind = '{new}' WHERE kind = '{old}'")


def downgrade() -> None:
    for old, new in RENAMES:
        op.execute(f"UPDATE outbox SET kind = '{old}' WHERE kind = '{new}'")
