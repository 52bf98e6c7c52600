"""Idempotency keys scoped to the device that sent them; who cancelled a registration; supervisors' overrides.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _primary_key(columns: list[str]) -> None:
    # Batch mode: SQLite copies the table with the new key; PostgreSQL alters it in place.
    with op.batch_alter_table("idempotency_keys", recreate="auto") as batch:
        batch.drop_constraint("pk_idempotency_keys", type_="primary")
        batch.create_primary_key("pk_idempotency_keys", columns)


def upgrade() -> None:
    _primary_key(["key", "device_id"])
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("cancelled_by_counter", sa.String(length=2), nullable=True))
    op.create_table(
        "override_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("event_time", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("owner_counter", sa.String(length=2), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_override_audit_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_override_audit")),
    )
    op.create_index(op.f("ix_override_audit_device_id"), "override_audit", ["device_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_override_audit_device_id"), table_name="override_audit")
    op.drop_table("override_audit")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("cancelled_by_counter")
    _primary_key(["key"])
