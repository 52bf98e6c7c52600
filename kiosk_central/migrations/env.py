"""Alembic environment: runs on the engine the central service hands it, or on sqlalchemy.url for the CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from kiosk_central.tables import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.connect() as connection:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table, PostgreSQL alters in place.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
