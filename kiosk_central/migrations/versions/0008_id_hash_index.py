"""ID numbers out of the search indexes: registration_persons keyed by a keyed hash (issue 11).

registration_persons (the guard that keeps a person in one household per plan) holds the HMAC-SHA256 of the
ID number with the centre's key instead of the number, and its unique index is on the hash; the plain indexes
on households.applicant_id_number and members.id_number go (nothing looks them up). docs/centre-data.md.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from kiosk_central.config import resolve_id_key
from kiosk_central.id_index import SESSION_KEY, id_hash

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("active")
_PERSONS = "registration_persons"


def _key(bind: sa.Connection) -> bytes:
    given: bytes | None = context.config.attributes.get(SESSION_KEY)
    return given or resolve_id_key(bind.engine.url.render_as_string(hide_password=True))


def _unique_persons(column: str) -> None:
    op.create_index(
        "uq_registration_persons_active",
        _PERSONS,
        ["plan_id", column],
        unique=True,
        postgresql_where=_ACTIVE,
        sqlite_where=_ACTIVE,
    )


def upgrade() -> None:
    op.drop_index("ix_households_applicant_id_number", table_name="households")
    op.drop_index("ix_members_id_number", table_name="members")
    # Dropped before the batch copies the table on SQLite, which would lose the partial index's condition.
    op.drop_index("uq_registration_persons_active", table_name=_PERSONS)
    with op.batch_alter_table(_PERSONS) as batch:
        batch.add_column(sa.Column("id_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, id_number FROM {_PERSONS}")).all()
    if rows:
        key = _key(bind)
        bind.execute(
            sa.text(f"UPDATE {_PERSONS} SET id_hash = :h WHERE id = :id"),
            [{"id": row_id, "h": id_hash(key, number)} for row_id, number in rows],
        )
    with op.batch_alter_table(_PERSONS) as batch:
        batch.alter_column("id_hash", existing_type=sa.String(length=64), nullable=False)
        batch.drop_column("id_number")
    _unique_persons("id_hash")


def downgrade() -> None:
    op.drop_index("uq_registration_persons_active", table_name=_PERSONS)
    with op.batch_alter_table(_PERSONS) as batch:
        batch.add_column(sa.Column("id_number", sa.String(length=18), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, household_id, id_hash FROM {_PERSONS}")).all()
    if rows:
        _restore_numbers(bind, _key(bind), rows)
    with op.batch_alter_table(_PERSONS) as batch:
        batch.alter_column("id_number", existing_type=sa.String(length=18), nullable=False)
        batch.drop_column("id_hash")
    _unique_persons("id_number")
    op.create_index("ix_members_id_number", "members", ["id_number"], unique=False)
    op.create_index("ix_households_applicant_id_number", "households", ["applicant_id_number"], unique=False)


def _restore_numbers(bind: sa.Connection, key: bytes, rows: Sequence[Any]) -> None:
    """The number back from the household's own people (a hash cannot be reversed; their rows hold it)."""
    people: dict[int, list[str]] = {}
    for household_id, number in bind.execute(
        sa.text(
            "SELECT id, applicant_id_number FROM households "
            "UNION ALL SELECT household_id, id_number FROM members"
        )
    ):
        people.setdefault(household_id, []).append(number)
    found, lost = [], []
    for row_id, household_id, hashed in rows:
        number = next((n for n in people.get(household_id, []) if id_hash(key, n) == hashed), None)
        if number is None:
            lost.append({"id": row_id})  # a member since removed from the household: nothing left to guard
        else:
            found.append({"id": row_id, "n": number})
    if found:
        bind.execute(sa.text(f"UPDATE {_PERSONS} SET id_number = :n WHERE id = :id"), found)
    if lost:
        bind.execute(sa.text(f"DELETE FROM {_PERSONS} WHERE id = :id"), lost)
