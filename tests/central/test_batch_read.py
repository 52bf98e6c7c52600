"""A batch message read in one pass (payloads.read_item) is read as the two steps read it: BatchItem, then its event.

The one pass is what the drain runs; the two steps are what decides a refusal's errors. Equal events and
equal errors, message by message, for good messages and for bad ones of every kind.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, insert

from kiosk_central.services.bulk import PlainInsert
from kiosk_central.services.event_keys import request_hash
from kiosk_central.services.payloads import UTF8_CLEAN, BatchItem, read_item
from tests.central.world import FAMILIES, cancellation, new_key, phone_update, registration


def _item(kind: str, event: dict[str, Any], change: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kind": kind, "idempotency_key": new_key(), **event} | (change or {})


def _with_payload(event: dict[str, Any], **change: Any) -> dict[str, Any]:
    return {"event_time": event["event_time"], "payload": event["payload"] | change}


GOOD = [
    _item("registration", registration(FAMILIES["ok"])),
    _item("registration", _with_payload(registration(FAMILIES["ok2"]), extra_field="kept")),
    _item("cancellation", cancellation(registration(FAMILIES["ok"])["payload"]["reg_no"])),
    _item("phone_update", phone_update(FAMILIES["ok"].filing_no, "13900000000")),
]
BAD = [
    _item("registration", _with_payload(registration(FAMILIES["ok"]), phone="12")),
    _item("registration", _with_payload(registration(FAMILIES["ok"]), applicant_id_number="110105")),
    _item(
        "registration", _with_payload(registration(FAMILIES["ok"]), phone="12"), {"idempotency_key": "k" * 65}
    ),
    _item("registration", registration(FAMILIES["ok"]), {"kind": "lottery"}),
    _item("registration", registration(FAMILIES["ok"]), {"kind": ["registration"]}),
    _item("registration", registration(FAMILIES["ok"]), {"event_time": "9999-01-01T00:00:00"}),
    _item("registration", registration(FAMILIES["ok"]), {"surplus": 1}),
    _item("registration", registration(FAMILIES["ok"]), {"payload": [1, 2]}),
    _item(
        "cancellation",
        _with_payload(cancellation(registration(FAMILIES["ok"])["payload"]["reg_no"]), reason="bored"),
    ),
    _item("phone_update", _with_payload(phone_update(FAMILIES["ok"].filing_no, "1"), filing_no="x")),
    "not an object",
]
CLEAN = {UTF8_CLEAN: True}


def _two_steps(raw: Any) -> tuple[Any, str, Any]:
    item = BatchItem.model_validate(raw, context=CLEAN)
    return item.kind, item.idempotency_key, item.event()


@pytest.mark.parametrize("raw", GOOD)
def test_a_good_message_reads_the_same_in_one_pass(raw: dict[str, Any]) -> None:
    kind, key, event = read_item(raw, CLEAN)
    kind2, key2, event2 = _two_steps(raw)
    assert (kind, key, type(event)) == (kind2, key2, type(event2))
    assert event.model_dump(mode="json") == event2.model_dump(mode="json")
    assert request_hash(kind, event) == request_hash(kind2, event2)


@pytest.mark.parametrize("raw", BAD)
def test_a_bad_message_is_refused_with_the_two_steps_errors(raw: Any) -> None:
    with pytest.raises(ValidationError) as one_pass:
        read_item(raw, CLEAN)
    with pytest.raises(ValidationError) as two_steps:
        _two_steps(raw)
    assert one_pass.value.errors() == two_steps.value.errors()


def test_a_plain_insert_writes_datetimes_as_sqlalchemy_does(tmp_path: Path) -> None:
    """The quick datetime text (isoformat) against the column's own processor, read back as stored text."""
    table = Table("moments", MetaData(), Column("id", Integer, primary_key=True), Column("at", DateTime))
    engine = create_engine(f"sqlite:///{tmp_path / 'moments.db'}")
    table.metadata.create_all(engine)
    aware = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    values = [
        datetime(2026, 12, 1, 9, 5, 7, 42),
        datetime(2026, 12, 1),
        datetime(999, 1, 2, 3, 4, 5),
        aware,
        None,
    ]
    with engine.begin() as conn:
        PlainInsert(table).execute(conn, [{"id": i, "at": v} for i, v in enumerate(values)])
        conn.execute(insert(table), [{"id": 100 + i, "at": v} for i, v in enumerate(values)])
    with sqlite3.connect(tmp_path / "moments.db") as db:
        stored = dict(db.execute("SELECT id, at FROM moments"))
    engine.dispose()
    assert [stored[i] for i in range(len(values))] == [stored[100 + i] for i in range(len(values))]
    assert stored[0] == "2026-12-01 09:05:07.000042"
