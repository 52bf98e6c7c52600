"""One policy for background work: the database lane is the only writer, and an unexpected error is in the log once."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from kiosk.bootstrap import build_services
from kiosk.config import Config
from kiosk.services.views import OperatorSession
from kiosk.ui import messages
from kiosk.ui.workers import Lane, current_lane, run_in_background, wait_for_lanes, write_on_database_lane
from kiosk_core.errors import InvalidInput
from tests.builders import CLERK, build_world
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.ui.conftest import register


def _boom() -> None:
    raise RuntimeError("boom on a lane")


@pytest.mark.parametrize("lane", list(Lane))
def test_an_unexpected_error_with_its_own_handler_is_logged_once_with_its_traceback(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, lane: Lane
) -> None:
    owner = QObject()
    told: list[Exception] = []

    def logged() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.exc_info and "boom on a lane" in str(r.exc_info[1])]

    with caplog.at_level(logging.ERROR):
        run_in_background(owner, _boom, lambda _r: None, told.append, lane=lane)
        qtbot.waitUntil(lambda: bool(told))
        assert len(logged()) == 1  # the handler showed nothing, logged nothing: the lane did
        messages.show_error(told[0])  # a screen showing it afterwards does not log it again
    assert len(logged()) == 1
    assert "Traceback" in caplog.text and lane.value in logged()[0].getMessage()


def test_a_refusal_is_not_a_traceback(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    owner = QObject()
    told: list[Exception] = []

    def refuse() -> None:
        raise InvalidInput("身份证号码格式不对")

    with caplog.at_level(logging.ERROR):
        run_in_background(owner, refuse, lambda _r: None, told.append)
        qtbot.waitUntil(lambda: bool(told))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_slip_printed_on_the_network_lane_is_recorded_on_the_database_lane(
    qtbot: QtBot, tmp_path: Path
) -> None:
    built = build_services(
        Config(data_dir=tmp_path),
        FakePrinter(),
        MovableClock(),
        CHEAP_HASHER,
        database_writer=write_on_database_lane,
    )
    try:
        world = build_world(built.uow, built.services.auth)
        clerk: OperatorSession = built.services.auth.login(*CLERK)
        filing_no, id_no = world.households["ok"]
        view = register(built.services, clerk, filing_no, id_no, world.quick_plan, realtime=False)
        lanes: list[Lane | None] = []
        event.listen(built.engine, "begin", lambda _conn: lanes.append(current_lane()))
        owner = QObject()
        printed: list[object] = []
        run_in_background(
            owner,
            lambda: built.services.slips.print_slip(view.reg_no, clerk),
            printed.append,
            lambda exc: printed.append(exc),
            lane=Lane.NETWORK,
        )
        qtbot.waitUntil(lambda: bool(printed), timeout=10_000)
        assert not isinstance(printed[0], Exception), printed[0]
        assert lanes and set(lanes) == {Lane.DATABASE}  # read and record alike: none on the network lane
        assert built.services.records.search(view.reg_no, clerk.counter).registrations[0].slip_printed
    finally:
        wait_for_lanes(10_000)
        built.engine.dispose()


@pytest.mark.parametrize("fails", [False, True])
def test_what_a_job_holds_is_let_go_on_the_gui_thread(qtbot: QtBot, fails: bool) -> None:
    """A job's function may hold the last reference to a screen (its closure), and so may its exception (the
    traceback's frames): a Qt object freed on a worker thread while the GUI thread delivers to it crashes the
    app now and then. Chained like the sign-in (one step's callback starts the next on another lane)."""
    gui = threading.get_ident()
    freed_on: list[int] = []
    answered: list[int] = []
    owner = QObject()

    def start(n: int) -> None:
        held = QObject()
        # Direct: the thread that destroys it records itself (queued, the GUI thread always would).
        held.destroyed.connect(
            lambda *_: freed_on.append(threading.get_ident()), Qt.ConnectionType.DirectConnection
        )

        def work() -> int:
            if fails:
                raise InvalidInput(f"{held.objectName()} 不对")
            return n

        def next_step(_result: object) -> None:
            answered.append(n)
            if n % 2 == 0:
                start(n + 1)

        lane = Lane.NETWORK if n % 2 else Lane.DATABASE
        run_in_background(owner, work, next_step, next_step, lane=lane)

    for n in range(0, 400, 2):
        start(n)
    qtbot.waitUntil(lambda: len(answered) == 400 and len(freed_on) == 400, timeout=60_000)
    assert set(freed_on) == {gui}


def test_a_job_whose_screen_is_gone_tells_nobody(qtbot: QtBot) -> None:
    parent = QObject()
    owner = QObject(parent)
    told: list[object] = []
    run_in_background(owner, lambda: wait_for_lanes(0), told.append, told.append)
    done: list[object] = []
    del owner
    shiboken6.delete(parent)  # the screen goes (its child with it) before the answer comes back
    run_in_background(QObject(), lambda: None, done.append)
    qtbot.waitUntil(lambda: bool(done))
    assert told == []
