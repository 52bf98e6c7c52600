"""The retention purge on a real cache: what the centre holds for good and is past its plan's retention is masked
here; nothing unsent, nothing still needed, and slip files go by age."""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from kiosk.bootstrap import Built
from kiosk.config import Config, ConfigInvalid, from_dict
from kiosk.services import settle
from kiosk.services.central_client import EventAnswer, OutboxItem
from kiosk.services.retention import DailyPurge, PurgeReport, Retention
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_core.identity import mask_id_number
from kiosk_core.wire import EventKind, EventResult
from tests.builders import NOW, World, id_number
from tests.fakes import MovableClock
from tests.services.test_registration import draft

RETENTION = timedelta(days=30)
PHONE = "13911112222"  # the "ok" household's own: the world gives every household the same phone and members


@dataclass(frozen=True)
class Personal:
    values: tuple[str, ...]  # every full name, ID number and phone of the household

    def found_in(self, database: Path) -> list[str]:
        """Every (table.column: value) in the cache file holding one of ``values``."""
        hits = []
        with sqlite3.connect(database) as c:
            tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                cursor = c.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names read from the file itself)
                columns = [d[0] for d in cursor.description]
                for row in cursor:
                    for column, value in zip(columns, row, strict=True):
                        if isinstance(value, str) and any(v in value for v in self.values):
                            hits.append(f"{table}.{column}: {value}")
        return hits


def _personal(built: Built, household_id: int) -> Personal:
    with built.uow() as uow:
        h = uow.session.get_one(t.Household, household_id)
        values = [h.applicant_name, h.applicant_id_number, h.phone]
        values += [v for m in h.members for v in (m.name, m.id_number)]
    return Personal(tuple(values))


def _retention(built: Built, retention: timedelta = RETENTION) -> Retention:
    return Retention(built.uow, built.clock, built.config.slips_dir, retention, built.config.counter)


def _acknowledge(built: Built, reg_no: str) -> None:
    """The centre's answer, recorded as a sync round records it."""
    with built.uow() as uow:
        s = uow.session
        rows = s.scalars(select(t.OutboxMessage).where(t.OutboxMessage.subject == reg_no)).all()
        chunk = [
            (m.id, OutboxItem(m.idempotency_key, EventKind(m.kind), m.event_time, m.payload)) for m in rows
        ]
        answers = [EventAnswer(EventResult.ACCEPTED, "", "", NOW) for _ in rows]
        settle.record_answers(s, chunk, answers, built.clock())
        uow.commit()


@pytest.fixture
def ok_household(built: Built, world: World) -> int:
    household_id = world.household_ids["ok"]
    with built.uow() as uow:
        uow.session.execute(update(t.Household).where(t.Household.id == household_id).values(phone=PHONE))
        uow.session.execute(
            update(t.Member)
            .where(t.Member.household_id == household_id)
            .values(name="赵独有", id_number=id_number("110105", "20010101", 301))
        )
        uow.commit()
    return household_id


def _register(built: Built, world: World, clerk: OperatorSession, who: str, **kw: object) -> str:
    return built.services.registration.register(draft(world, who, **kw), clerk).reg_no  # type: ignore[arg-type]


def _registration(built: Built, reg_no: str) -> t.Registration:
    with built.uow() as uow:
        reg = uow.session.scalars(select(t.Registration).where(t.Registration.reg_no == reg_no)).one()
        uow.session.expunge(reg)
        return reg


def _purge_entries(built: Built) -> list[dict[str, object]]:
    with built.uow() as uow:
        return list(uow.session.scalars(select(t.AuditEntry.detail).where(t.AuditEntry.action == "purge")))


def test_acknowledged_and_closed_long_enough_is_purged_from_every_table_and_audited_once(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = _personal(built, ok_household)
    reg_no = _register(built, world, clerk, "ok")
    _acknowledge(built, reg_no)
    assert personal.found_in(built.config.database_path), "the scan must see the data before the purge"
    clock.advance(days=11 + 31)  # the quick plan closes 11 days after NOW

    report = _retention(built).purge()

    assert report == PurgeReport(registrations=1, households=1, members=1, slips=0)
    assert personal.found_in(built.config.database_path) == []
    reg = _registration(built, reg_no)
    assert (reg.reg_no, reg.status, reg.central_status) == (reg_no, "active", "accepted")
    assert reg.phone == "139****2222"
    with built.uow() as uow:
        h = uow.session.get_one(t.Household, ok_household)
        assert h.applicant_id_number == mask_id_number(personal.values[1]) and h.applicant_name == "测**k"
    assert _purge_entries(built) == [
        {"registrations": 1, "households": 1, "members": 1, "slips": 0, "retention_days": 30}
    ]

    again = _retention(built).purge()
    assert again == PurgeReport(0, 0, 0, 0)
    assert len(_purge_entries(built)) == 1, "a run that changes nothing writes no entry"


def test_an_unsent_registration_stays_whole(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = _personal(built, ok_household)
    reg_no = _register(built, world, clerk, "ok")
    clock.advance(days=11 + 60)
    assert _retention(built).purge() == PurgeReport(0, 0, 0, 0)
    assert _registration(built, reg_no).phone == PHONE
    assert set(_personal(built, ok_household).values) == set(personal.values)


def test_an_open_plan_or_one_closed_too_recently_keeps_its_data(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    reg_no = _register(built, world, clerk, "ok")
    _acknowledge(built, reg_no)
    assert _retention(built, timedelta(0)).purge() == PurgeReport(0, 0, 0, 0)  # the plan is still open
    clock.advance(days=11 + 29)
    assert _retention(built).purge() == PurgeReport(0, 0, 0, 0)  # closed 29 days ago
    assert _registration(built, reg_no).phone == PHONE
    clock.advance(days=2)
    assert _retention(built).purge().registrations == 1


def test_a_household_with_another_registration_still_needed_keeps_its_data(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = _personal(built, ok_household)
    done = _register(built, world, clerk, "ok")
    _acknowledge(built, done)
    unsent = _register(
        built, world, clerk, "ok", plan="realtime", unit_type=world.rt_type, unit=world.free_units[0]
    )
    clock.advance(days=11 + 31)

    report = _retention(built).purge()

    assert report == PurgeReport(registrations=1, households=0, members=0, slips=0)
    assert _registration(built, done).phone == "139****2222"
    assert _registration(built, unsent).phone == PHONE
    assert set(_personal(built, ok_household).values) == set(personal.values)


def test_slip_files_past_the_retention_are_deleted_and_a_reprint_renders_again_masked(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = _personal(built, ok_household)
    old_reg = _register(built, world, clerk, "ok")
    old = built.services.slips.print_slip(old_reg, clerk).path
    new = built.services.slips.print_slip(_register(built, world, clerk, "late"), clerk).path
    assert old.exists() and new.exists()
    _acknowledge(built, old_reg)
    clock.advance(days=11 + 31)
    # The files' own times, as the disk keeps them: one written before the retention, one within it.
    aged = (clock() - RETENTION - timedelta(days=1)).timestamp()
    os.utime(old, (aged, aged))
    fresh = (clock() - timedelta(days=1)).timestamp()
    os.utime(new, (fresh, fresh))

    report = _retention(built).purge()

    assert report.slips == 1 and not old.exists() and new.exists()
    assert _registration(built, old_reg).slip_path == ""
    assert _purge_entries(built)[-1]["slips"] == 1
    reprint = built.services.slips.print_slip(old_reg, clerk, reprint=True)
    text = "".join(page.extract_text() for page in PdfReader(reprint.path).pages)
    assert old_reg in text
    assert not [v for v in personal.values if v in text]


def test_the_daily_purge_runs_at_start_and_a_failure_does_not_stop_it() -> None:
    ran = threading.Event()
    calls: list[int] = []

    def purge() -> PurgeReport:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk gone for a moment")
        ran.set()
        return PurgeReport(0, 0, 0, 0)

    daily = DailyPurge(purge, every=timedelta(0))
    daily.start()
    try:
        assert ran.wait(10), "the purge ran at start and again after its failure"
    finally:
        daily.stop()


def test_the_retention_is_a_whole_number_of_days_in_the_configuration() -> None:
    assert Config().retention_days == 30
    assert from_dict({"retention_days": 7}).retention_days == 7
    with pytest.raises(ConfigInvalid) as refused:
        from_dict({"retention_days": "7"})
    assert "retention_days" in refused.value.problems[0]
