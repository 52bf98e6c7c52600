"""Local cache: SQLite through SQLAlchemy, migrated by Alembic."""
