"""The retention purge on a real cache: what the centre holds for good and is past its plan's retention is masked
here, once; nothing unsent, nothing still needed (slip files: test_slip_retention)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, select, text, update

from kiosk.bootstrap import Built
from kiosk.config import Config, ConfigInvalid, from_dict
from kiosk.services import settle
from kiosk.services.central_client import EventAnswer, OutboxItem
from kiosk.services.retention import DailyPurge, PurgeReport, Retention
from kiosk.services.selection_sheet import keep_sheet
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_core.identity import mask_id_number, mask_name
from kiosk_core.wire import EventKind, EventResult
from tests.builders import NOW, World, id_number
from tests.fakes import MovableClock
from tests.services.test_registration import draft
from tests.services.test_selection_sheet import sheet_data

RETENTION = timedelta(days=30)
PHONE = "13911112222"  # the "ok" household's own: the world gives every household the same phone and members


@dataclass(frozen=True)
class Personal:
    values: tuple[str, ...]  # every full name, ID number and phone of the household

    def found_in(self, engine: Engine) -> list[str]:
        """Every (table.column: value) in the cache holding one of ``values``, read through the cache's own engine
        (the file is encrypted: no other reader opens it)."""
        hits = []
        with engine.connect() as c:
            for table in inspect(c).get_table_names():
                result = c.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608 (names read from the cache itself)
                columns = list(result.keys())
                for row in result:
                    for column, value in zip(columns, row, strict=True):
                        shown = _readable(value)
                        if any(v in shown for v in self.values):
                            hits.append(f"{table}.{column}: {shown}")
        return hits


def _readable(value: object) -> str:
    """A column's value as text; a JSON column's with its characters, not the \\uXXXX escapes it is stored with."""
    if not isinstance(value, str):
        return str(value)
    try:
        return json.dumps(json.loads(value), ensure_ascii=False)
    except ValueError:
        return value


def household_personal(built: Built, household_id: int) -> Personal:
    with built.uow() as uow:
        h = uow.session.get_one(t.Household, household_id)
        values = [h.applicant_name, h.applicant_id_number, h.phone]
        values += [v for m in h.members for v in (m.name, m.id_number)]
    return Personal(tuple(values))


def make_retention(
    built: Built, retention: timedelta = RETENTION, slip_keep: timedelta = timedelta(days=1)
) -> Retention:
    return Retention(
        built.uow, built.clock, built.config.slips_dir, retention, built.config.counter, slip_keep=slip_keep
    )


def acknowledge(built: Built, reg_no: str) -> None:
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
    return own_phone_and_member(built, world)


def own_phone_and_member(built: Built, world: World) -> int:
    """The "ok" household with a phone and a member no other household has, so a scan finds only its own."""
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


def register(built: Built, world: World, clerk: OperatorSession, who: str, **kw: object) -> str:
    return built.services.registration.register(draft(world, who, **kw), clerk).reg_no  # type: ignore[arg-type]


def registration_row(built: Built, reg_no: str) -> t.Registration:
    with built.uow() as uow:
        reg = uow.session.scalars(select(t.Registration).where(t.Registration.reg_no == reg_no)).one()
        uow.session.expunge(reg)
        return reg


def purge_entries(built: Built) -> list[dict[str, object]]:
    with built.uow() as uow:
        return list(uow.session.scalars(select(t.AuditEntry.detail).where(t.AuditEntry.action == "purge")))


def test_acknowledged_and_closed_long_enough_is_purged_from_every_table_and_audited_once(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = household_personal(built, ok_household)
    reg_no = register(built, world, clerk, "ok")
    acknowledge(built, reg_no)
    assert personal.found_in(built.engine), "the scan must see the data before the purge"
    clock.advance(days=11 + 31)  # the quick plan closes 11 days after NOW

    report = make_retention(built).purge()

    assert report == PurgeReport(registrations=1, households=1, members=1, slips=0)
    assert personal.found_in(built.engine) == []
    reg = registration_row(built, reg_no)
    assert (reg.reg_no, reg.status, reg.central_status) == (reg_no, "active", "accepted")
    assert reg.phone == "139****2222"
    with built.uow() as uow:
        h = uow.session.get_one(t.Household, ok_household)
        assert h.applicant_id_number == mask_id_number(personal.values[1]) and h.applicant_name == "测**k"
    assert purge_entries(built) == [
        {
            "registrations": 1,
            "households": 1,
            "members": 1,
            "slips": 0,
            "sheets": 0,
            "retention_days": 30,
            "slip_keep_days": 1,
            "exports": 0,
            "export_keep_days": 7,
        }
    ]

    again = make_retention(built).purge()
    assert again == PurgeReport(0, 0, 0, 0)
    assert len(purge_entries(built)) == 1, "a run that changes nothing writes no entry"


def test_an_unsent_registration_stays_whole(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = household_personal(built, ok_household)
    reg_no = register(built, world, clerk, "ok")
    clock.advance(days=11 + 60)
    assert make_retention(built).purge() == PurgeReport(0, 0, 0, 0)
    assert registration_row(built, reg_no).phone == PHONE
    assert set(household_personal(built, ok_household).values) == set(personal.values)


def test_an_open_plan_or_one_closed_too_recently_keeps_its_data(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    reg_no = register(built, world, clerk, "ok")
    acknowledge(built, reg_no)
    assert make_retention(built, timedelta(0)).purge() == PurgeReport(0, 0, 0, 0)  # the plan is still open
    clock.advance(days=11 + 29)
    assert make_retention(built).purge() == PurgeReport(0, 0, 0, 0)  # closed 29 days ago
    assert registration_row(built, reg_no).phone == PHONE
    clock.advance(days=2)
    assert make_retention(built).purge().registrations == 1


def test_a_household_with_another_registration_still_needed_keeps_its_data(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = household_personal(built, ok_household)
    done = register(built, world, clerk, "ok")
    acknowledge(built, done)
    unsent = register(
        built, world, clerk, "ok", plan="realtime", unit_type=world.rt_type, unit=world.free_units[0]
    )
    clock.advance(days=11 + 31)

    report = make_retention(built).purge()

    assert report == PurgeReport(registrations=1, households=0, members=0, slips=0)
    assert registration_row(built, done).phone == "139****2222"
    assert registration_row(built, unsent).phone == PHONE
    assert set(household_personal(built, ok_household).values) == set(personal.values)

    # Its last registration purged in a later run: the household goes then, the first one not read again.
    acknowledge(built, unsent)
    clock.advance(days=400)
    assert make_retention(built).purge() == PurgeReport(registrations=1, households=1, members=1, slips=0)
    assert personal.found_in(built.engine) == []


def test_a_second_purge_reads_nothing_the_first_one_purged(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    for who in ("ok", "late"):
        acknowledge(built, register(built, world, clerk, who))
    clock.advance(days=11 + 31)
    assert make_retention(built).purge().registrations == 2
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(built.engine, "before_cursor_execute", seen)
    try:
        again = make_retention(built).purge()
    finally:
        event.remove(built.engine, "before_cursor_execute", seen)

    assert again == PurgeReport(0, 0, 0, 0)
    transaction = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
    work = [st for st in statements if not st.lstrip().upper().startswith(transaction)]
    # One query, for registrations not purged yet; no registration, household, message or sheet read or written.
    assert len(work) == 1 and "purged_at IS NULL" in work[0], work


def test_a_purged_registrations_selection_sheet_and_draw_outcome_keep_no_full_name_or_id(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = household_personal(built, ok_household)
    name, full_id = personal.values[0], personal.values[1]
    filing = world.households["ok"][0]
    reg_no = register(built, world, clerk, "ok")
    acknowledge(built, reg_no)
    plan = reg_no.split("-")[0]
    with built.uow() as uow:
        s = uow.session
        s.add(
            t.Draw(
                draw_id=7,
                plan_code=plan,
                state="published",
                list_hash="0" * 64,
                seed=None,
                published_at=NOW,
                retracted_at=None,
                record_json={"draw_id": 7, "plan_code": plan},
                fetched_at=NOW,
            )
        )
        s.flush()
        s.add(
            t.DrawOutcome(
                draw_id=7, plan_code=plan, reg_no=reg_no, rank=1, pool="A", kind="unit", unit_code="Q-1-0301",
                number=None, filing_no=filing,
            )
        )  # fmt: skip
        # As an older centre might have sent it: the name and ID number whole.
        keep_sheet(s, sheet_data(filing, full_id, reg_no, masked_name=name, masked_id=full_id), NOW)
        uow.commit()
    assert [hit for hit in personal.found_in(built.engine) if hit.startswith("selection_sheets.")]
    clock.advance(days=11 + 31)

    report = make_retention(built).purge()

    assert report.registrations == 1 and report.sheets == 1
    assert personal.found_in(built.engine) == []
    with built.uow() as uow:
        sheet = uow.session.scalars(select(t.SelectionSheet)).one()
        assert (sheet.data["masked_name"], sheet.data["masked_id"]) == (
            mask_name(name),
            mask_id_number(full_id),
        )
        assert sheet.data["unit_code"] == "Q-1-0301" and sheet.reg_no == reg_no
        outcome = uow.session.scalars(select(t.DrawOutcome)).one()
        # The outcome names no one: its reg no. and filing no. stay, as the household keeps its filing no.
        assert (outcome.reg_no, outcome.filing_no, outcome.kind) == (reg_no, filing, "unit")


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


@pytest.mark.parametrize("wrong", ["1", -1, 1.5, 3_651, True])
def test_the_slips_keep_time_is_whole_days_from_0_and_a_wrong_one_is_named_in_chinese(wrong: object) -> None:
    assert Config().slip_keep_days == 1
    assert from_dict({"slip_keep_days": 0}).slip_keep_days == 0
    assert from_dict({"slip_keep_days": 90}).slip_keep_days == 90
    with pytest.raises(ConfigInvalid) as refused:
        from_dict({"slip_keep_days": wrong})
    (problem,) = refused.value.problems
    assert problem.startswith("slip_keep_days = ") and "0 到 3650 之间的整数天（不加引号）" in problem, (
        problem
    )
    assert "改正后重新启动程序" in str(refused.value)
