"""The central tables' declarative base: naming, the shared column types, and the counters versions come from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, MetaData, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
JSONValue = JSON().with_variant(JSONB(), "postgresql")
ACTIVE_REGISTRATION = text("status = 'active'")
ACTIVE_PERSON = text("active")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSONValue, list[str]: JSONValue, str: Text}


def version_column() -> Mapped[int]:
    """The catalog version: taken from the global counter in the transaction that changed the row."""
    return mapped_column(BigInteger, index=True, unique=True)


class Counter(Base):
    """Monotonic counters ("catalog", "reviews"); the row lock on them orders writers (docs/central-api.md)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
