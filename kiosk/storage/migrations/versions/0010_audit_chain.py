"""audit entries numbered and sealed in a hash chain (tamper-evident audit, issue 11)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    # Entries written before the chain get numbers in the order they were written, and no MAC: the key lives in
    # the keyring, which a migration cannot reach. The chain starts after them (kiosk_core.audit_chain).
    op.execute(
        "UPDATE audit_log SET seq = (SELECT COUNT(*) FROM audit_log AS earlier WHERE earlier.id <= audit_log.id)"
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint("uq_audit_log_seq", ["seq"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_log_seq", type_="unique")
        batch_op.drop_column("mac")
        batch_op.drop_column("seq")
