"""A batch's many rows handed to the driver: inserted by its executemany, or looked up by long IN lists.

``PlainInsert``: each value through its column's bind processor, as SQLAlchemy's executemany does, without its
bookkeeping for every row (building and checking each row's parameters), which cost more than the insert
itself for a batch's hundred registrations. ``ListSelect``: SQLAlchemy writes an expanding IN list out anew at
every execution, which for a batch's few hundred values cost several times the query.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, Select, Table

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
            return _naive_text(value)
        return process(value)

    return quick


@functools.lru_cache(maxsize=1024)  # a batch's rows share their received time, often their event times too
def _naive_text(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")


# Where SQLAlchemy writes an expanding parameter's list when the statement runs.
_LIST = re.compile(r"__\[POSTCOMPILE_(\w+)\]")
_MARKS = {"qmark": "?", "format": "%s"}
# A list is written out at a length that is a multiple of this (its last value repeated, which an IN list
# does not mind), so that a batch's statements repeat and the driver's statement cache keeps them: SQLite
# preparing a statement of a few hundred parameters cost more than running it.
LIST_STEP = 32


@dataclass(frozen=True)
class _Compiled:
    sql: str
    lists: frozenset[str]
    order: tuple[str, ...]  # the parameters' order, for a positional paramstyle
    literals: dict[str, Any]  # values written in the statement (``status == "active"``), bound too
    processors: tuple[tuple[int, Processor], ...]  # each result column's own, where it has one


class ListSelect:
    """A select with expanding IN lists: compiled once per dialect, its lists written out by hand each time.

    The SQL is SQLAlchemy's own, placeholders and all, so the database plans it as before; each result
    column goes through its type's result processor, as SQLAlchemy's rows would (a date stored as text).
    """

    def __init__(self, stmt: Select[*tuple[Any, ...]]) -> None:
        self._stmt = stmt
        self._compiled: dict[str, _Compiled] = {}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        style = conn.dialect.paramstyle
        c = self._for(conn.dialect)
        if style not in (*_MARKS, "pyformat") or not all(params[name] for name in c.lists):
            # An empty list is written as SQLAlchemy's own "matches nothing"; other styles are left to it.
            return conn.execute(self._stmt, dict(params)).all()
        values = c.literals | dict(params)
        for name in c.lists:
            given = list(values[name])
            values[name] = given + given[-1:] * (-len(given) % LIST_STEP)
        if style == "pyformat":
            named = {n: v for n, v in values.items() if n not in c.lists}
            for name in c.lists:
                named.update({f"{name}_{i}": v for i, v in enumerate(values[name])})
            sql = _LIST.sub(lambda m: ", ".join(f"%({m[1]}_{i})s" for i in range(len(values[m[1]]))), c.sql)
            found = conn.exec_driver_sql(sql, named).all()
        else:
            positional: list[Any] = []
            for name in c.order:
                if name in c.lists:
                    positional.extend(values[name])
                else:
                    positional.append(values[name])
            mark = _MARKS[style]
            sql = _LIST.sub(lambda m: ", ".join([mark] * len(values[m[1]])), c.sql)
            found = conn.exec_driver_sql(sql, tuple(positional)).all()
        if not c.processors:
            return found
        rows = []
        for row in found:
            processed = list(row)
            for i, process in c.processors:
                processed[i] = process(processed[i])
            rows.append(processed)
        return rows

    def _for(self, dialect: Dialect) -> _Compiled:
        if dialect.name not in self._compiled:
            compiled = self._stmt.compile(dialect=dialect)
            processors = []
            for i, column in enumerate(self._stmt.selected_columns):
                process = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if process is not None:
                    processors.append((i, process))
            self._compiled[dialect.name] = _Compiled(
                compiled.string,
                frozenset(_LIST.findall(compiled.string)),
                tuple(compiled.positiontup or ()),
                {k: v for k, v in compiled.params.items() if v is not None},
                tuple(processors),
            )
        return self._compiled[dialect.name]
