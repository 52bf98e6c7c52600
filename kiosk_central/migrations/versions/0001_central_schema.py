"""The central schema: catalog with versions, devices and tokens, registrations held by constraints.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 03:28:57.831979
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


TABLES = (
    "counters",
    "devices",
    "households",
    "operators",
    "plans",
    "idempotency_keys",
    "members",
    "notices",
    "projects",
    "registration_persons",
    "tokens",
    "unit_types",
    "units",
    "registrations",
)


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
    )
    op.create_index(op.f("ix_devices_counter"), "devices", ["counter"], unique=False)

    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_no", sa.String(length=16), nullable=False),
        sa.Column("applicant_name", sa.String(length=64), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=18), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("phone_updated_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("filing_no", name=op.f("uq_households_filing_no")),
    )
    op.create_index(
        op.f("ix_households_applicant_id_number"), "households", ["applicant_id_number"], unique=False
    )
    op.create_index(op.f("ix_households_version"), "households", ["version"], unique=True)

    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("username", name=op.f("uq_operators_username")),
    )
    op.create_index(op.f("ix_operators_version"), "operators", ["version"], unique=True)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("announcement", sa.Text(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("cancel_deadline", sa.DateTime(), nullable=False),
        sa.Column("allowed_districts", JSON, nullable=False),
        sa.Column("max_registrations_per_household", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_code")),
    )
    op.create_index(op.f("ix_plans_version"), "plans", ["version"], unique=True)

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("endpoint", sa.String(length=32), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_idempotency_keys_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_members_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    op.create_index(op.f("ix_members_household_id"), "members", ["household_id"], unique=False)
    op.create_index(op.f("ix_members_id_number"), "members", ["id_number"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_notices_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("plan_id", "notice_version", name=op.f("uq_notices_plan_id_notice_version")),
    )
    op.create_index(op.f("ix_notices_version"), "notices", ["version"], unique=True)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photos", JSON, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_projects_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    op.create_index(op.f("ix_projects_plan_id"), "projects", ["plan_id"], unique=False)
    op.create_index(op.f("ix_projects_version"), "projects", ["version"], unique=True)

    op.create_table(
        "registration_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("registrations", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_registration_persons_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_registration_persons_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_persons")),
    )
    op.create_index(
        "ix_registration_persons_plan_household",
        "registration_persons",
        ["plan_id", "household_id"],
        unique=False,
    )
    op.create_index(
        "uq_registration_persons_active",
        "registration_persons",
        ["plan_id", "id_number"],
        unique=True,
        postgresql_where=sa.text("active"),
        sqlite_where=sa.text("active"),
    )

    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_tokens_device_id_devices")),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_tokens_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_tokens")),
    )
    op.create_index(op.f("ix_tokens_device_id"), "tokens", ["device_id"], unique=False)
    op.create_index(op.f("ix_tokens_expires_at"), "tokens", ["expires_at"], unique=False)

    op.create_table(
        "unit_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("area", sa.Double(), nullable=False),
        sa.Column("rent", sa.Integer(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("min_family", sa.Integer(), nullable=False),
        sa.Column("max_family", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_unit_types_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_types")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_types_code")),
    )
    op.create_index(op.f("ix_unit_types_project_id"), "unit_types", ["project_id"], unique=False)
    op.create_index(op.f("ix_unit_types_version"), "unit_types", ["version"], unique=True)

    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_type_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("orientation", sa.String(length=8), nullable=False),
        sa.Column("area", sa.Double(), nullable=False),
        sa.Column("rent", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_units_project_id_projects")),
        sa.ForeignKeyConstraint(
            ["unit_type_id"], ["unit_types.id"], name=op.f("fk_units_unit_type_id_unit_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("code", name=op.f("uq_units_code")),
    )
    op.create_index(op.f("ix_units_project_id"), "units", ["project_id"], unique=False)
    op.create_index(op.f("ix_units_unit_type_id"), "units", ["unit_type_id"], unique=False)
    op.create_index(op.f("ix_units_version"), "units", ["version"], unique=True)

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_type_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("counter", sa.String(length=2), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("kiosk_operator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("event_time", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("notice_read_aloud", sa.Boolean(), nullable=False),
        sa.Column("notice_ack_at", sa.DateTime(), nullable=False),
        sa.Column("verification_code", sa.String(length=16), nullable=False),
        sa.Column("cancel_reason", sa.String(length=32), nullable=True),
        sa.Column("cancel_comment", sa.Text(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_received_at", sa.DateTime(), nullable=True),
        sa.Column("review_status", sa.String(length=32), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_version", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("slot >= 1", name=op.f("ck_registrations_slot_positive")),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_registrations_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_registrations_household_id_households")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_registrations_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_registrations_project_id_projects")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_registrations_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["unit_type_id"], ["unit_types.id"], name=op.f("fk_registrations_unit_type_id_unit_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("reg_no", name=op.f("uq_registrations_reg_no")),
    )
    op.create_index(op.f("ix_registrations_household_id"), "registrations", ["household_id"], unique=False)
    op.create_index(
        op.f("ix_registrations_review_version"), "registrations", ["review_version"], unique=False
    )
    op.create_index(
        "uq_registrations_active_slot",
        "registrations",
        ["plan_id", "household_id", "slot"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
        sqlite_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "uq_registrations_active_unit",
        "registrations",
        ["unit_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
        sqlite_where=sa.text("status = 'active'"),
    )
    # The counters start at 0: the first catalog change gets version 1, and a kiosk holding 0 holds nothing.
    op.bulk_insert(
        sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
        [{"name": "catalog", "value": 0}, {"name": "reviews", "value": 0}],
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    for name in reversed(TABLES):
        op.drop_table(name)
