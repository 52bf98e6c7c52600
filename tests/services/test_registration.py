"""Registering at the counter against a real SQLite cache: every rule, the outbox, the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import func, select

from kiosk.bootstrap import Built
from kiosk.services.views import OperatorSession, RegistrationDraft, UnitFilter
from kiosk.storage import tables as t
from kiosk_core.errors import Conflict, InvalidInput, NotFound, Refused
from tests.builders import NOW, World
from tests.fakes import MovableClock
from tests.keyrings import cache_db


def draft(
    world: World, who: str, *, unit_type: int | None = None, unit: int | None = None, plan: str = "quick"
):
    plan_id = world.quick_plan if plan == "quick" else world.realtime_plan
    return RegistrationDraft(
        household_id=world.household_ids[who],
        plan_id=plan_id,
        project_id=0,
        unit_type_id=unit_type or world.one_room,
        unit_id=unit,
        notice_version=2,
        notice_read_aloud=True,
        notice_ack_at=NOW,
    )


def rules(exc: Refused) -> set[str]:
    return {r.rule for r in exc.refusals}


def test_identify_shows_household_with_masked_ids(built: Built, world: World) -> None:
    filing_no, applicant = world.households["ok"]
    view = built.services.households.identify(f" {filing_no.lower()} ", applicant.lower())
    assert view.filing_no == filing_no and view.family_size == 2
    assert applicant not in repr(view)
    assert all("*" in m.id_masked for m in view.members)


@pytest.mark.parametrize(
    ("who", "filing", "code"),
    [
        ("ok", "BA2099999999", "filing_unknown"),
        ("expired", None, "filing_expired"),
        ("revoked", None, "filing_revoked"),
    ],
)
def test_identify_refusals(built: Built, world: World, who: str, filing: str | None, code: str) -> None:
    filing_no, applicant = world.households[who]
    with pytest.raises((NotFound, Refused)) as err:
        built.services.households.identify(filing or filing_no, applicant)
    assert err.value.code == code


def test_identify_someone_elses_id(built: Built, world: World) -> None:
    filing_no, _ = world.households["ok"]
    _, other = world.households["far"]
    with pytest.raises(InvalidInput) as err:
        built.services.households.identify(filing_no, other)
    assert err.value.code == "id_mismatch"


def test_identify_with_a_members_id(built: Built, world: World) -> None:
    filing_no, _ = world.households["clash_a"]
    _, other = world.households["clash_b"]
    with built.engine.connect() as c:
        member_id = c.execute(select(t.Member.id_number).where(t.Member.name == "共同成员")).scalars().first()
    with pytest.raises(InvalidInput) as err:
        built.services.households.identify(filing_no, member_id)
    assert err.value.code == "id_not_applicant" and "子女" in err.value.message


def test_quick_registration_commits_with_outbox_and_audit(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    view = built.services.registration.register(draft(world, "ok"), clerk)
    assert view.reg_no.startswith("Q2611-01-00001-")
    assert view.notice_read_aloud and view.operator_name == "王晓梅"
    with built.engine.connect() as c:
        outbox = c.execute(select(t.OutboxMessage)).one()
        assert outbox.subject == view.reg_no and outbox.kind == "registration"
        assert outbox.payload["plan_code"] == "Q2611" and len(outbox.idempotency_key) == 36
        actions = c.execute(select(t.AuditEntry.action)).scalars().all()
        assert "register" in actions


def test_numbers_follow_each_other_per_plan(built: Built, world: World, clerk: OperatorSession) -> None:
    a = built.services.registration.register(draft(world, "ok"), clerk)
    b = built.services.registration.register(draft(world, "clash_a", unit_type=world.one_room), clerk)
    assert (a.reg_no[:14], b.reg_no[:14]) == ("Q2611-01-00001", "Q2611-01-00002")


def test_already_registered(built: Built, world: World, clerk: OperatorSession) -> None:
    built.services.registration.register(draft(world, "ok"), clerk)
    with pytest.raises(Refused) as err:
        built.services.registration.register(draft(world, "ok", unit_type=world.two_room), clerk)
    assert rules(err.value) == {"already_registered"}
    assert "取消" in err.value.refusals[0].remedy


def test_member_in_another_households_registration(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    built.services.registration.register(draft(world, "clash_a"), clerk)
    with pytest.raises(Refused) as err:
        built.services.registration.register(draft(world, "clash_b"), clerk)
    assert rules(err.value) == {"member_registered_elsewhere"}
    assert "BA2024000006" in err.value.message and "共同成员" not in err.value.message  # name masked


def test_district_and_family_size_and_window(
    built: Built, world: World, clerk: OperatorSession, clock
) -> None:
    with pytest.raises(Refused) as err:
        built.services.registration.register(draft(world, "far"), clerk)
    assert rules(err.value) == {"district_not_allowed"}
    with pytest.raises(Refused) as err:
        built.services.registration.register(draft(world, "big", unit_type=world.two_room), clerk)
    assert rules(err.value) == {"family_size_plan", "family_size"} and "6人" in err.value.message
    clock.advance(days=30)
    with pytest.raises(Refused) as err:
        built.services.registration.register(draft(world, "ok"), clerk)
    assert "window_closed" in rules(err.value)


def test_realtime_takes_the_unit_and_refuses_it_to_the_next(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    unit = world.free_units[0]
    view = built.services.registration.register(draft(world, "ok", unit=unit, plan="rt"), clerk)
    assert view.unit_label.startswith("1栋301室") and view.plan_kind == "realtime"
    with pytest.raises(Refused) as err:
        built.services.registration.register(draft(world, "clash_a", unit=unit, plan="rt"), clerk)
    assert rules(err.value) == {"unit_taken"}


def test_a_counter_without_a_centre_registers_a_realtime_unit_for_good(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    """No centre to wait for: the slip is not provisional (待中心确认 would never be settled)."""
    view = built.services.registration.register_claimed(
        draft(world, "ok", unit=world.free_units[0], plan="rt"), clerk
    )
    assert view.central_status == "standalone" and not view.provisional
    with built.engine.connect() as c:
        assert c.scalar(select(t.OutboxMessage.sent_at)) is None  # sent if a centre is configured later


def test_realtime_needs_a_unit(built: Built, world: World, clerk: OperatorSession) -> None:
    with pytest.raises(InvalidInput):
        built.services.registration.register(draft(world, "ok", unit_type=world.rt_type, plan="rt"), clerk)


def test_outdated_notice_version(built: Built, world: World, clerk: OperatorSession) -> None:
    old = replace(draft(world, "ok"), notice_version=1)
    with pytest.raises(Refused) as err:
        built.services.registration.register(old, clerk)
    assert rules(err.value) == {"notice_outdated"}


@pytest.mark.parametrize(
    "unacknowledged",
    [
        {"notice_version": None, "notice_ack_at": None},
        {"notice_version": None},
        {"notice_ack_at": None},
        {"notice_version": 0},
    ],
    ids=["nothing", "no_version", "no_time", "version_0"],
)
def test_a_registration_without_the_notice_acknowledged_is_refused_and_nothing_stored(
    built: Built, world: World, clerk: OperatorSession, unacknowledged: dict[str, object]
) -> None:
    services = built.services
    unread = replace(draft(world, "ok"), **unacknowledged)
    with pytest.raises(Refused) as err:
        services.registration.register(unread, clerk)
    assert rules(err.value) == {"notice_not_acknowledged"}
    assert "告知书" in err.value.message
    with pytest.raises(Refused):
        services.registration.preview(unread, clerk)
    with built.engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(t.Registration)) == 0
        assert c.scalar(select(func.count()).select_from(t.OutboxMessage)) == 0


def test_an_acknowledgement_after_the_registration_time_is_refused(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    later = replace(draft(world, "ok"), notice_ack_at=NOW + timedelta(minutes=5))
    with pytest.raises(Refused) as err:
        built.services.registration.register(later, clerk)
    assert rules(err.value) == {"notice_ack_in_future"}


def test_the_stored_acknowledgement_is_the_one_the_household_gave(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock
) -> None:
    acked = replace(draft(world, "ok"), notice_ack_at=NOW - timedelta(minutes=3), notice_read_aloud=True)
    clock.advance(minutes=1)
    view = built.services.registration.register(acked, clerk)
    with built.engine.connect() as c:
        row = c.execute(select(t.Registration).where(t.Registration.reg_no == view.reg_no)).one()
        payload = c.scalar(select(t.OutboxMessage.payload).where(t.OutboxMessage.subject == view.reg_no))
    assert (row.notice_version, row.notice_read_aloud, row.notice_ack_at) == (
        2,
        True,
        NOW - timedelta(minutes=3),
    )
    assert row.created_at == NOW + timedelta(minutes=1)
    assert payload["notice_ack_at"] == (NOW - timedelta(minutes=3)).isoformat()


def test_database_refuses_a_second_active_registration_of_a_unit(built: Built, world: World) -> None:
    """The unique index holds even if a check were skipped."""
    path = built.config.database_path
    with built.engine.begin() as c:
        c.exec_driver_sql("UPDATE units SET status='free'")
    row = (
        "INSERT INTO registrations (reg_no, plan_id, household_id, project_id, unit_type_id, unit_id, status, phone,"
        " created_at, operator_id, counter, notice_version, notice_read_aloud, notice_ack_at, notice_ack_operator_id,"
        " verification_code, slip_printed, slip_path, review_status, reject_reason)"
        " VALUES (?, ?, ?, 1, 1, ?, 'active', '', '2026-11-24', 1, '01', 1, 0, '2026-11-24', 1, 'X', 0, '', '', '')"
    )
    with cache_db(path) as db:
        db.execute(row, ("R-1", world.realtime_plan, world.household_ids["ok"], world.free_units[0]))
        with pytest.raises(sqlcipher.IntegrityError):
            db.execute(row, ("R-2", world.realtime_plan, world.household_ids["far"], world.free_units[0]))


def test_catalog_greys_what_the_household_cannot_take(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    cat = built.services.catalog
    plans = {p.code: p for p in cat.plan_options(world.household_ids["far"])}
    assert {r.rule for r in plans["Q2611"].refusals} == {"district_not_allowed"}
    assert plans["R2611"].available
    assert {r.rule for r in plans["Q2612"].refusals} == {"window_not_open"}
    assert [p.code for p in cat.plan_options(world.household_ids["far"])][0] == "R2611"  # available first
    projects = cat.project_options(world.household_ids["big"], world.quick_plan)
    assert all(not t.available for p in projects for t in p.unit_types)
    units = cat.unit_options(world.household_ids["ok"], world.realtime_plan, UnitFilter())
    taken = [u for u in units if u.id == world.taken_unit][0]
    assert {r.rule for r in taken.refusals} == {"unit_taken"}
    only = cat.unit_options(world.household_ids["ok"], world.realtime_plan, UnitFilter(only_available=True))
    assert len(only) == 3
    high = cat.unit_options(
        world.household_ids["ok"], world.realtime_plan, UnitFilter(floor_min=5, orientation="南")
    )
    assert sorted(u.floor for u in high) == [5, 7]
    assert cat.notice(world.quick_plan).version == 2


def test_registered_count_shows_on_plans(built: Built, world: World, clerk: OperatorSession) -> None:
    built.services.registration.register(draft(world, "ok"), clerk)
    plans = {p.code: p for p in built.services.catalog.plan_options(world.household_ids["clash_a"])}
    assert plans["Q2611"].registered_count == 1


def test_preview_is_a_draft_without_number(built: Built, world: World, clerk: OperatorSession) -> None:
    view = built.services.registration.preview(draft(world, "ok"), clerk)
    assert view.is_draft and view.reg_no == "" and view.unit_type_name == "一居室"


def test_conflict_when_unit_taken_between_check_and_commit(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    unit = world.free_units[1]
    d = draft(world, "ok", unit=unit, plan="rt")
    built.services.registration.preview(d, clerk)
    with built.engine.begin() as c:  # another counter takes it meanwhile
        c.exec_driver_sql("UPDATE units SET status='taken' WHERE id=?", (unit,))
    with pytest.raises((Refused, Conflict)):
        built.services.registration.register(d, clerk)


def test_storage_pragmas(built: Built) -> None:
    with built.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
