"""The lottery end to end: a counter's supervisor draws a closed quick plan at a real centre through DrawService,
counters pull the outcomes on sync, staff look a household up and print its result notice and the public list."""

from __future__ import annotations

import csv
import re
import stat
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.clock import system_clock
from kiosk.services.draw_check import check_twice
from kiosk.services.draw_views import DrawRefused, SourcesDiffer, SourceSpec, SourceValue
from kiosk.services.views import OperatorSession, RegistrationDraft
from kiosk.storage import tables as t
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import build
from kiosk_central.config import Settings, sqlite_url
from kiosk_core import lottery
from kiosk_core.identity import mask_name
from tests.central.server import LiveServer
from tests.demo_centre import DemoCentres
from tests.fakes import CHEAP_HASHER, MovableClock
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.lossy_proxy import LossyProxy

PLAN = "Q2611"
LABEL = "公证员现场摇号 第1组"
DIGITS = "3141592653589793238462643383279502884197"  # 40 digits: 132.9 bits
FULL_ID = re.compile(r"\d{17}[\dX]")


@dataclass
class DrawCentre(CentralUnderTest):
    clock: MovableClock


@pytest.fixture
def centre(tmp_path: Path, live_server: LiveServer, demo_centres: DemoCentres) -> Iterator[DrawCentre]:
    """The sync tests' centre with a clock the test moves past the quick plan's window."""
    demo_centres.copy_into(tmp_path / "central")  # the demo loaded (a copy of it, made once)
    clock = MovableClock(datetime.now().replace(microsecond=0))
    central = build(Settings(sqlite_url(tmp_path / "central")), clock=clock, hasher=CHEAP_HASHER)
    central.db.migrate()
    with central.db.session() as s:
        central.auth.create_operator(s, "super2", "赵主管", "supervisor", "second-pass-2")
    with live_server.serving(create_app(central)):
        yield DrawCentre(central, live_server.base_url, live_server.port, clock)
    central.close()


def clerk(k: Built) -> OperatorSession:
    return k.services.auth.login("clerk1", "kiosk-demo-1")


def supervisor(k: Built) -> OperatorSession:
    """Signed in here and at the centre: the operator token the console's calls carry is in the keyring."""
    return k.services.auth.login("super1", "kiosk-demo-2")


def register(k: Built, count: int, skip: int = 0) -> list[str]:
    """``count`` households of the demo registered in the quick plan at this counter, each in a pool it fits."""
    s, operator = k.services, clerk(k)
    with k.engine.connect() as c:
        households = c.execute(
            select(t.Household.filing_no, t.Household.applicant_id_number)
            .where(t.Household.status == "valid")
            .order_by(t.Household.id)
        ).all()
    reg_nos: list[str] = []
    for filing_no, id_number in households[skip:]:
        household = s.households.identify(filing_no, id_number)
        plan = next((p for p in s.catalog.plan_options(household.id) if p.code == PLAN), None)
        if plan is None or not plan.available:
            continue
        fits = [
            (p, u)
            for p in s.catalog.project_options(household.id, plan.id)
            for u in p.unit_types
            if u.available
        ]
        if not fits:
            continue
        project, unit_type = fits[0]
        draft = RegistrationDraft(
            household.id,
            plan.id,
            project.id,
            unit_type.id,
            notice_version=plan.notice_version,
            notice_ack_at=system_clock(),
        )
        reg_nos.append(s.registration.register(draft, operator).reg_no)
        if len(reg_nos) == count:
            return reg_nos
    raise AssertionError(f"only {len(reg_nos)} demo households can register in {PLAN}")


def close_window(centre: DrawCentre, *kiosks: Built) -> None:
    centre.clock.now += timedelta(days=15)
    for k in kiosks:
        k.services.sync.sync_once()  # a device token from before the move has expired: renewed here


def test_a_plan_drawn_from_a_counter_reaches_every_counter_and_prints(
    kiosk: KioskFactory, centre: DrawCentre
) -> None:
    k, other = kiosk("01", synced=True), kiosk("02", synced=True)
    k.services.sync.sync_once()
    other.services.sync.sync_once()
    reg_nos = register(k, 12)
    close_window(centre, k, other)
    boss = supervisor(k)
    draws = k.services.draws

    ready = next(p for p in draws.ready_plans(boss) if p.plan_code == PLAN)
    assert ready.entries == 12 and ready.can_freeze and ready.unsent == ()
    assert all(pool.label for pool in ready.pools), "pools named from this counter's catalog"

    frozen = draws.freeze(boss, PLAN, [SourceSpec.digits(LABEL, len(DIGITS))])
    assert frozen.state == "frozen" and frozen.entries == 12
    assert lottery.sha256_hex(frozen.list_text) == frozen.list_hash
    # Two people type the notary's digits; the second typed one wrong: nothing is sent.
    with pytest.raises(SourcesDiffer, match=LABEL):
        check_twice([SourceValue(LABEL, DIGITS)], [SourceValue(LABEL, DIGITS[:-1] + "0")])
    typed = "３１４１５９２６５３ 5897932384,6264338327 9502884197"  # full-width and grouped: the same digits
    values = check_twice([SourceValue(LABEL, typed)], [SourceValue(LABEL, DIGITS)])
    committed = draws.commit_sources(boss, frozen.draw_id, values)
    assert committed.state == "committed" and committed.sources_text == f"digits\t{LABEL}\t{DIGITS}\n"

    drawn = draws.run(boss, frozen.draw_id)
    result = draws.check(drawn)  # the centre's seed and result are what this counter computes
    assert drawn.seed == result.seed.hex() and drawn.result_text == lottery.result_text(result)
    with pytest.raises(DrawRefused) as again:
        draws.run(boss, frozen.draw_id)
    assert again.value.code and again.value.message  # the centre's words: a draw runs once
    published = draws.publish(boss, frozen.draw_id)
    assert published.state == "published"
    assert draws.record(frozen.draw_id, boss) == published == other.services.draws.record(frozen.draw_id)
    with k.engine.connect() as c:  # each step in this counter's audit log, by the supervisor who took it
        steps = c.execute(
            select(t.AuditEntry.action, t.AuditEntry.operator_id).where(t.AuditEntry.action.like("draw_%"))
        ).all()
    assert steps == [(f"draw_{s}", boss.id) for s in ("freeze", "sources", "run", "publish")]

    other.services.sync.sync_once()
    k.services.sync.sync_once()
    outcomes = {o.reg_no: o for o in result.outcomes}
    assert set(outcomes) == set(reg_nos)

    # Staff at the other counter look the household up by its registration number, typed carelessly.
    reg_no = reg_nos[3]
    careless = " " + reg_no.lower().replace("-", " - ") + " "
    [found] = other.services.draws.lookup(careless)
    assert (found.reg_no, found.rank, found.kind) == (reg_no, outcomes[reg_no].rank, outcomes[reg_no].kind)
    assert found.list_hash == drawn.list_hash and found.seed == drawn.seed and found.entries == 12

    # At the counter where it registered, by the applicant's ID (full-width, lower-case x) or filing no.
    with k.engine.connect() as c:
        filing_no, name, id_number = c.execute(
            select(t.Household.filing_no, t.Household.applicant_name, t.Household.applicant_id_number)
            .join(t.Registration, t.Registration.household_id == t.Household.id)
            .where(t.Registration.reg_no == reg_no)
        ).one()
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch.lower() for ch in id_number)
    [by_id] = k.services.draws.lookup(f" {full_width[:6]} {full_width[6:]} ")
    [by_filing] = k.services.draws.lookup(f"{filing_no[:2].lower()} {filing_no[2:]}")
    assert by_id == by_filing and by_id.reg_no == reg_no
    assert by_id.applicant_masked == mask_name(name) and by_id.filing_no == filing_no
    assert by_id.id_masked.startswith(id_number[:4]) and "*" in by_id.id_masked
    # The feed names each household's filing no.: a counter where it did not register finds it by ID too.
    [elsewhere] = other.services.draws.lookup(id_number)
    assert (elsewhere.reg_no, elsewhere.applicant_masked, elsewhere.rank) == (
        reg_no,
        by_id.applicant_masked,
        by_id.rank,
    )

    notice = k.services.draws.result_notice_pdf(by_id)
    assert stat.S_IMODE(notice.stat().st_mode) == 0o600
    text = "".join(page.extract_text() for page in PdfReader(notice).pages)
    flat = re.sub(r"\s", "", text)
    assert "摇号结果通知书" in text and by_id.outcome_label.replace(" ", "") in flat
    assert f"第{by_id.rank}位" in flat and drawn.list_hash in flat and (drawn.seed or "-") in flat
    assert drawn.result_hash in flat and reg_no in flat and by_id.applicant_masked in flat
    assert not FULL_ID.search(flat) and name not in text
    with urllib.request.urlopen(by_id.verifier_url) as got:  # printed where anyone can download it
        assert got.status == 200 and b"def " in got.read()
    assert (
        f"{centre.base_url}/public/draws/{frozen.draw_id}" in flat
        and f"{centre.base_url}/public/verify_draw.py" in flat
    )

    # The notice board: every registration once, masked; nothing the public must not read.
    names = registered_names(k, reg_nos)
    pdf = k.services.draws.public_list_pdf(frozen.draw_id)
    board = re.sub(r"\s", "", "".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert all(r in board for r in reg_nos) and drawn.list_hash in board
    assert not FULL_ID.search(board) and not any(n in board for n in names if len(n) > 1)
    assert all(mask_name(n) in board for n in names)
    table = k.services.draws.public_list_csv(frozen.draw_id)
    assert stat.S_IMODE(table.stat().st_mode) == 0o600 and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    rows = list(csv.reader(table.read_text("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["摇号序号", "登记编号", "申请人"] and len(rows) == 13
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 13)) and {r[1] for r in rows[1:]} == set(reg_nos)
    assert {r[2] for r in rows[1:]} == {mask_name(n) for n in names}
    assert not any(FULL_ID.search(cell) for r in rows for cell in r)


def test_a_retracted_draw_is_withdrawn_at_the_counters_and_a_new_freeze_follows(
    kiosk: KioskFactory, centre: DrawCentre
) -> None:
    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    reg_nos = register(k, 5)
    close_window(centre, k)
    boss, draws = supervisor(k), k.services.draws
    draw_id = draws.freeze(boss, PLAN, [SourceSpec.digits(LABEL, len(DIGITS))]).draw_id
    draws.commit_sources(boss, draw_id, [SourceValue(LABEL, DIGITS)])
    draws.check(draws.run(boss, draw_id))
    draws.publish(boss, draw_id)
    k.services.sync.sync_once()
    assert k.services.draws.lookup(reg_nos[0])[0].state == "published"

    with pytest.raises(DrawRefused):  # the same supervisor cannot confirm their own retraction at the centre
        draws.retract(boss, draw_id, "公证员发现摇号球缺号", "super2", "wrong-password")
    retracted = draws.retract(boss, draw_id, "公证员发现摇号球缺号", "super2", "second-pass-2")
    assert retracted.state == "retracted" and retracted.retract_reason == "公证员发现摇号球缺号"
    k.services.sync.sync_once()
    [view] = k.services.draws.lookup(reg_nos[0])
    assert view.retracted and view.retract_reason == "公证员发现摇号球缺号"
    text = "".join(p.extract_text() for p in PdfReader(k.services.draws.result_notice_pdf(view)).pages)
    assert "已撤销" in text and "公证员发现摇号球缺号" in text

    ready = next(p for p in draws.ready_plans(boss) if p.plan_code == PLAN)
    assert ready.can_freeze and ready.draw_state == "retracted"
    again = draws.freeze(boss, PLAN, [SourceSpec.digits(LABEL, len(DIGITS))])
    assert again.replaces == draw_id and again.state == "frozen"


def test_a_freeze_waits_for_a_counter_whose_registrations_have_not_all_arrived(
    kiosk: KioskFactory, centre: DrawCentre
) -> None:
    """The counter tells the centre how many it holds unsent on every sync request (X-Kiosk-Unsent)."""
    k = kiosk("01", synced=True)
    with LossyProxy(centre.port, drop_requests=0.0, drop_responses=0.0) as proxy:
        late = kiosk("02", url=proxy.base_url, synced=True)
        k.services.sync.sync_once()
        late.services.sync.sync_once()
        register(k, 3)
        register(late, 2, skip=400)
        k.services.sync.sync_once()
        proxy.drop_responses = 1.0  # the centre hears counter 02's batch; 02 never hears back
        with pytest.raises(Exception, match="连接|中心"):
            late.services.sync.sync_once()
        assert late.services.sync.status().unsent == 2
        close_window(centre, k)
        boss = supervisor(k)
        ready = next(p for p in k.services.draws.ready_plans(boss) if p.plan_code == PLAN)
        assert [(u.counter, u.unsent) for u in ready.unsent] == [("02", 2)]
        with pytest.raises(DrawRefused) as refused:
            k.services.draws.freeze(boss, PLAN, [SourceSpec.digits(LABEL, len(DIGITS))])
        assert refused.value.code == "unsent_registrations" and "02" in refused.value.message

        proxy.drop_responses = 0.0
        late.services.sync.sync_once()  # its answers come back (the centre stored them): nothing unsent
        assert late.services.sync.status().unsent == 0
        frozen = k.services.draws.freeze(boss, PLAN, [SourceSpec.digits(LABEL, len(DIGITS))])
        assert frozen.entries == 5


def registered_names(k: Built, reg_nos: list[str]) -> list[str]:
    with k.engine.connect() as c:
        return list(
            c.scalars(
                select(t.Household.applicant_name)
                .join(t.Registration, t.Registration.household_id == t.Household.id)
                .where(t.Registration.reg_no.in_(reg_nos))
            )
        )
