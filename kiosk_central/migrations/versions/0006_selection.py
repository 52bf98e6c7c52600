"""On-site selection: a plan's selection, its rounds, turns, wish lists, choices and events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("turn_seconds", sa.Integer(), nullable=False),
        sa.Column("round_size", sa.Integer(), nullable=False),
        sa.Column("round_minutes", sa.Integer(), nullable=False),
        sa.Column("supplementary_minutes", sa.Integer(), nullable=False),
        sa.Column("supplementary_deadline", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["draw_id"], ["draws.id"], name=op.f("fk_selection_plans_draw_id_draws")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_selection_plans_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_plans")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_selection_plans_plan_id")),
    )
    op.create_table(
        "selection_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("supplementary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_selection_rounds_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_rounds")),
        sa.UniqueConstraint("plan_id", "round_no", name=op.f("uq_selection_rounds_plan_id_round_no")),
    )
    op.create_table(
        "selection_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=72), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.Integer(), nullable=False),
        sa.Column("call_rank", sa.Integer(), nullable=False),
        sa.Column("queue_pos", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("requeued", sa.Boolean(), nullable=False),
        sa.Column("supplementary", sa.Boolean(), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=True),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("paused_remaining", sa.Double(), nullable=True),
        sa.Column("heard_at", sa.DateTime(), nullable=True),
        sa.Column("redeclared_at", sa.DateTime(), nullable=True),
        sa.Column("redeclared_by", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_selection_turns_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_selection_turns_registration_id_registrations"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["selection_rounds.id"], name=op.f("fk_selection_turns_round_id_selection_rounds")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_selection_turns_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_turns")),
        sa.UniqueConstraint(
            "plan_id", "reg_no", "supplementary", name=op.f("uq_selection_turns_plan_id_reg_no_supplementary")
        ),
    )
    op.create_index(
        "ix_selection_turns_plan_id_pool_queue_pos",
        "selection_turns",
        ["plan_id", "pool", "queue_pos"],
        unique=False,
    )
    op.create_index(op.f("ix_selection_turns_round_id"), "selection_turns", ["round_id"], unique=False)
    op.create_index(op.f("ix_selection_turns_state"), "selection_turns", ["state"], unique=False)
    op.create_table(
        "selection_wishes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["selection_turns.id"],
            name=op.f("fk_selection_wishes_turn_id_selection_turns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_selection_wishes_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_wishes")),
        sa.UniqueConstraint("turn_id", "position", name=op.f("uq_selection_wishes_turn_id_position")),
        sa.UniqueConstraint("turn_id", "unit_id", name=op.f("uq_selection_wishes_turn_id_unit_id")),
    )
    op.create_table(
        "selection_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_selection_choices_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["selection_turns.id"], name=op.f("fk_selection_choices_turn_id_selection_turns")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_selection_choices_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_choices")),
        sa.UniqueConstraint("plan_id", "reg_no", name=op.f("uq_selection_choices_plan_id_reg_no")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_selection_choices_unit_id")),
    )
    op.create_table(
        "selection_events",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_selection_events_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_events")),
    )
    op.create_index(op.f("ix_selection_events_plan_id"), "selection_events", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_selection_events_plan_id"), table_name="selection_events")
    op.drop_table("selection_events")
    op.drop_table("selection_choices")
    op.drop_table("selection_wishes")
    op.drop_index(op.f("ix_selection_turns_state"), table_name="selection_turns")
    op.drop_index(op.f("ix_selection_turns_round_id"), table_name="selection_turns")
    op.drop_index("ix_selection_turns_plan_id_pool_queue_pos", table_name="selection_turns")
    op.drop_table("selection_turns")
    op.drop_table("selection_rounds")
    op.drop_table("selection_plans")
