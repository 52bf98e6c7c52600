"""A select whose IN lists are written out by hand (bulk.ListSelect) finds what SQLAlchemy's expansion finds.

On both backends: lists of one and of hundreds of values, with repeats, an empty list, a value written in the
statement (``kind = 'cat'``), a scalar parameter beside the lists, a comparison as a result column, and columns
whose values SQLAlchemy converts (a date, a boolean).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    select,
)

from kiosk_central.services.bulk import ListSelect

_META = MetaData()
_PETS = Table(
    "list_select_pets",
    _META,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8)),
    Column("owner", String(8)),
    Column("alive", Boolean),
    Column("born", Date),
)
_FIND = (
    select(_PETS.c.id, _PETS.c.owner, _PETS.c.owner == bindparam("me"), _PETS.c.born, _PETS.c.alive)
    .where(
        _PETS.c.kind == "cat",
        _PETS.c.id.in_(bindparam("ids", expanding=True)),
        _PETS.c.owner.in_(bindparam("owners", expanding=True)),
        _PETS.c.alive,
    )
    .order_by(_PETS.c.id)
)
ROWS = [
    {
        "id": i,
        "kind": ("cat", "dog")[i % 2],
        "owner": f"o{i % 7}",
        "alive": i % 5 != 0,
        "born": date(2020, 1, 1) + timedelta(days=i),
    }
    for i in range(600)
]


@pytest.mark.parametrize(
    "params",
    [
        {"ids": [4], "owners": ["o4"], "me": "o4"},
        {"ids": [4, 3, 4, 10], "owners": ["o4", "o3"] * 20, "me": "o3"},
        {"ids": list(range(0, 600, 3)), "owners": ["o1", "o2", "o'3"], "me": "o2"},
        {"ids": list(range(600)), "owners": [f"o{i}" for i in range(7)], "me": "nobody"},
        {"ids": [], "owners": ["o1"], "me": "o1"},
    ],
)
def test_the_rows_are_sqlalchemys(database_url: str, params: dict[str, Any]) -> None:
    engine = create_engine(database_url)
    try:
        _META.create_all(engine)
        with engine.begin() as conn:
            conn.execute(_PETS.insert(), ROWS)
            expected = [tuple(r) for r in conn.execute(_FIND, params)]
            found = [tuple(r) for r in ListSelect(_FIND).rows(conn, params)]
        # The comparison column is SQLite's 0/1 as the driver gives it; the typed ones as SQLAlchemy gives them.
        assert [(*r[:2], bool(r[2]), *r[3:]) for r in found] == [
            (*r[:2], bool(r[2]), *r[3:]) for r in expected
        ]
        assert all(type(r[3]) is date and r[4] is True for r in found)
        assert params["ids"] == [] or expected
    finally:
        _META.drop_all(engine)
        engine.dispose()
