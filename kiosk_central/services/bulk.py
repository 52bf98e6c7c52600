"""Many rows of one table inserted by the driver's executemany, each value through its column's bind processor.

That is what SQLAlchemy does for an executemany too, plus its bookkeeping for every row (building and checking
each row's parameters), which cost more than the insert itself for a batch's hundred registrations.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, Table

Processor = Callable[[Any], Any]
# A sample the quick form of a datetime is checked against before it stands in for the column's processor.
_SAMPLE = datetime(2026, 12, 1, 9, 5, 7, 42)


class PlainInsert:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._compiled: dict[
            str, tuple[str, Callable[[Mapping[str, Any]], Any], list[tuple[int, Processor]]]
        ] = {}

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (every row names the same columns, those of the first)."""
        if not rows:
            return
        sql, values, processors = self._for(conn.dialect, tuple(rows[0]))
        if not processors:
            conn.exec_driver_sql(sql, [values(row) for row in rows])
            return
        params = []
        for row in rows:
            row_values = list(values(row))
            for i, process in processors:
                row_values[i] = process(row_values[i])
            params.append(tuple(row_values))
        conn.exec_driver_sql(sql, params)

    def _for(
        self, dialect: Dialect, names: tuple[str, ...]
    ) -> tuple[str, Callable[[Mapping[str, Any]], Any], list[tuple[int, Processor]]]:
        key = f"{dialect.name}:{','.join(names)}"
        if key not in self._compiled:
            quote = dialect.identifier_preparer.quote
            mark = "?" if dialect.paramstyle == "qmark" else "%s"
            sql = (
                f"INSERT INTO {quote(self._table.name)} ({', '.join(quote(n) for n in names)}) "
                f"VALUES ({', '.join([mark] * len(names))})"
            )
            processors = []
            for i, n in enumerate(names):
                process = self._table.c[n].type.dialect_impl(dialect).bind_processor(dialect)
                if process is not None:
                    processors.append((i, _quick(process)))
            get = operator.itemgetter(*names)
            values = get if len(names) > 1 else lambda row: (get(row),)
            self._compiled[key] = (sql, values, processors)
        return self._compiled[key]


def _quick(process: Processor) -> Processor:
    """SQLite's datetime processor formats a dict of the parts; ``isoformat`` writes the same text in C.

    Used only when it writes exactly what the column's own processor writes (checked on a sample), and only for
    naive datetimes; anything else still goes through the column's own.
    """
    try:
        same = process(_SAMPLE) == _SAMPLE.isoformat(" ", "microseconds")
    except Exception:  # noqa: BLE001  # a processor that takes no datetime is simply kept
        same = False
    if not same:
        return process

    def quick(value: Any) -> Any:
        if type(value) is datetime and value.tzinfo is None:
            return value.isoformat(" ", "microseconds")
        return process(value)

    return quick
