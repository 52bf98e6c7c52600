"""The public lottery: draws with their canonical files and outcomes, quotas, priority groups, counters' unsent.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
CURRENT_DRAW = sa.text("state != 'retracted'")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("draw_mode", sa.String(length=16), server_default="units", nullable=False))
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("priority_group", sa.String(length=16), nullable=True))
    op.create_table(
        "pool_quotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_type_id", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_pool_quotas_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["unit_type_id"], ["unit_types.id"], name=op.f("fk_pool_quotas_unit_type_id_unit_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_quotas")),
        sa.UniqueConstraint("unit_type_id", "group", name=op.f("uq_pool_quotas_unit_type_id_group")),
    )
    op.create_table(
        "draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("list_text", sa.Text(), nullable=False),
        sa.Column("list_hash", sa.String(length=64), nullable=False),
        sa.Column("pools_text", sa.Text(), nullable=False),
        sa.Column("pools_hash", sa.String(length=64), nullable=False),
        sa.Column("source_specs", JSON, nullable=False),
        sa.Column("sources_text", sa.Text(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("cancelled", JSON, nullable=False),
        sa.Column("result_text", sa.Text(), nullable=True),
        sa.Column("result_hash", sa.String(length=64), nullable=True),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.Column("committed_at", sa.DateTime(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("retracted_at", sa.DateTime(), nullable=True),
        sa.Column("retract_reason", sa.Text(), nullable=True),
        sa.Column("replaces", sa.Integer(), nullable=True),
        sa.Column("feed_first", sa.BigInteger(), nullable=True),
        sa.Column("retract_version", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_draws_plan_id_plans")),
        sa.ForeignKeyConstraint(["replaces"], ["draws.id"], name=op.f("fk_draws_replaces_draws")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draws")),
    )
    op.create_index(op.f("ix_draws_feed_first"), "draws", ["feed_first"], unique=False)
    op.create_index(op.f("ix_draws_retract_version"), "draws", ["retract_version"], unique=False)
    op.create_index(
        "uq_draws_current_plan",
        "draws",
        ["plan_id"],
        unique=True,
        postgresql_where=CURRENT_DRAW,
        sqlite_where=CURRENT_DRAW,
    )
    op.create_table(
        "draw_outcomes",
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=72), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["draws.id"], name=op.f("fk_draw_outcomes_draw_id_draws"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("draw_id", "rank", name=op.f("pk_draw_outcomes")),
    )
    op.create_index(op.f("ix_draw_outcomes_reg_no"), "draw_outcomes", ["reg_no"], unique=False)
    op.create_table(
        "draw_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("plan_code", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("second_operator", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_draw_audit_device_id_devices")),
        sa.ForeignKeyConstraint(["draw_id"], ["draws.id"], name=op.f("fk_draw_audit_draw_id_draws")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw_audit")),
    )
    op.create_index(op.f("ix_draw_audit_draw_id"), "draw_audit", ["draw_id"], unique=False)
    op.create_table(
        "device_unsent",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("unsent", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_device_unsent_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_unsent")),
    )


def downgrade() -> None:
    op.drop_table("device_unsent")
    op.drop_index(op.f("ix_draw_audit_draw_id"), table_name="draw_audit")
    op.drop_table("draw_audit")
    op.drop_index(op.f("ix_draw_outcomes_reg_no"), table_name="draw_outcomes")
    op.drop_table("draw_outcomes")
    op.drop_index("uq_draws_current_plan", table_name="draws")
    op.drop_index(op.f("ix_draws_retract_version"), table_name="draws")
    op.drop_index(op.f("ix_draws_feed_first"), table_name="draws")
    op.drop_table("draws")
    op.drop_table("pool_quotas")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("priority_group")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("draw_mode")
