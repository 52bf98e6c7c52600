"""Many rows of one table inserted by the driver's executemany, each value through its column's bind processor.

That is what SQLAlchemy does for an executemany too, plus its bookkeeping for every row (building and checking
each row's parameters), which cost more than the insert itself for a batch's hundred registrations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table


class PlainInsert:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._compiled: dict[str, tuple[str, list[tuple[str, Any]]]] = {}

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (every row names the same columns, those of the first)."""
        if not rows:
            return
        sql, columns = self._for(conn.dialect, tuple(rows[0]))
        conn.exec_driver_sql(sql, [tuple(p(row[c]) if p else row[c] for c, p in columns) for row in rows])

    def _for(self, dialect: Dialect, names: tuple[str, ...]) -> tuple[str, list[tuple[str, Any]]]:
        key = f"{dialect.name}:{','.join(names)}"
        if key not in self._compiled:
            quote = dialect.identifier_preparer.quote
            mark = "?" if dialect.paramstyle == "qmark" else "%s"
            sql = (
                f"INSERT INTO {quote(self._table.name)} ({', '.join(quote(n) for n in names)}) "
                f"VALUES ({', '.join([mark] * len(names))})"
            )
            columns = [
                (n, self._table.c[n].type.dialect_impl(dialect).bind_processor(dialect)) for n in names
            ]
            self._compiled[key] = (sql, columns)
        return self._compiled[key]
