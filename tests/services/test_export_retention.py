"""Export files on a real disk: the daily purge deletes them after their keep time (``export_keep_days``), never one
under an hour old, and says how many without naming any; the supervisor is told how long the file stays."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select

from kiosk.bootstrap import Built, build_services, start_background
from kiosk.config import Config, ConfigInvalid, from_dict
from kiosk.services.exports import ExportFormat, ExportRequest, ExportService
from kiosk.services.retention import Retention
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from tests.builders import SUPERVISOR, World, build_world
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock

T = TypeVar("T")

WEEK = timedelta(days=7)


@pytest.fixture
def supervisor(built: Built, world: World) -> OperatorSession:
    return built.services.auth.login(*SUPERVISOR)


def _export(built: Built, supervisor: OperatorSession, fmt: ExportFormat, *, full: bool = True) -> Path:
    path = built.services.exports.export(ExportRequest(fmt, full=full), supervisor).path
    assert path.parent == built.config.exports_dir and path.exists()
    return path


def _written_ago(path: Path, clock: MovableClock, **ago: float) -> None:
    """The file's time on disk set as if written ``ago`` before the clock's now (the purge reads it so)."""
    when = (clock() - timedelta(**ago)).timestamp()
    os.utime(path, (when, when))


def _retention(built: Built, export_keep: timedelta) -> Retention:
    """As start_background builds it."""
    return Retention(
        built.uow,
        built.clock,
        built.config.slips_dir,
        timedelta(days=30),
        built.config.counter,
        exports_dir=built.config.exports_dir,
        export_keep=export_keep,
    )


def _purge_details(built: Built) -> list[dict[str, object]]:
    with built.uow() as uow:
        return list(uow.session.scalars(select(t.AuditEntry.detail).where(t.AuditEntry.action == "purge")))


def test_exports_older_than_their_keep_time_are_deleted_newer_ones_kept_and_the_log_names_none(
    built: Built, supervisor: OperatorSession, clock: MovableClock, caplog: pytest.LogCaptureFixture
) -> None:
    old_full = _export(built, supervisor, ExportFormat.CSV)
    clock.advance(seconds=1)  # another file name: it carries the time of the export
    old_masked = _export(built, supervisor, ExportFormat.XLSX, full=False)
    clock.advance(seconds=1)
    recent = _export(built, supervisor, ExportFormat.XLSX)
    other = built.config.exports_dir / "notes.txt"  # not an export: left alone whatever its age
    other.write_text("x", encoding="utf-8")
    _written_ago(old_full, clock, days=8)
    _written_ago(old_masked, clock, days=7, minutes=1)
    _written_ago(recent, clock, days=6, hours=23)
    _written_ago(other, clock, days=100)

    with caplog.at_level(logging.INFO, logger="kiosk.services.retention"):
        report = _retention(built, WEEK).purge()

    assert report.exports == 2 and report.slips == 0 and report.registrations == 0
    assert not old_full.exists() and not old_masked.exists()
    assert recent.exists() and other.exists()
    [detail] = _purge_details(built)
    assert (detail["exports"], detail["export_keep_days"]) == (2, 7)
    logged = caplog.text
    assert "exports=2" in logged
    assert "登记" not in logged and "全部计划" not in logged and str(built.config.exports_dir) not in logged

    assert _retention(built, WEEK).purge().exports == 0 and recent.exists(), "nothing more to do"


def test_with_exports_not_kept_a_file_under_an_hour_old_stays_and_goes_at_a_later_purge(
    built: Built, supervisor: OperatorSession, clock: MovableClock
) -> None:
    export = _export(built, supervisor, ExportFormat.CSV)
    _written_ago(export, clock, minutes=59)
    assert _retention(built, timedelta(0)).purge().exports == 0 and export.exists()
    _written_ago(export, clock, minutes=61)
    assert _retention(built, timedelta(0)).purge().exports == 1 and not export.exists()


def test_a_purge_without_an_exports_folder_or_an_exports_dir_is_a_no_op(built: Built) -> None:
    assert not built.config.exports_dir.exists()
    assert _retention(built, timedelta(0)).purge().exports == 0
    no_dir = Retention(
        built.uow, built.clock, built.config.slips_dir, timedelta(days=30), built.config.counter
    )
    assert no_dir.purge().exports == 0


def test_the_supervisor_is_told_how_long_the_export_stays(built: Built, supervisor: OperatorSession) -> None:
    assert built.services.exports.export(ExportRequest(ExportFormat.CSV), supervisor).keep_days == 7
    not_kept = ExportService(built.uow, built.clock, built.config.exports_dir, keep=timedelta(0))
    assert not_kept.export(ExportRequest(ExportFormat.CSV), supervisor).keep_days == 0


def test_the_counter_applies_its_configured_keep_time_to_exports(tmp_path: Path, clock: MovableClock) -> None:
    """The composition root: the export says the configured days and the background's purge applies them."""
    wrote = threading.Event()

    def writer(write: Callable[[], T]) -> T:
        try:
            return write()
        finally:
            wrote.set()

    config = Config(data_dir=tmp_path, export_keep_days=3)
    built = build_services(config, FakePrinter(), clock, CHEAP_HASHER, database_writer=writer)
    try:
        build_world(built.uow, built.services.auth)
        supervisor = built.services.auth.login(*SUPERVISOR)
        done = built.services.exports.export(ExportRequest(ExportFormat.CSV, full=True), supervisor)
        assert done.keep_days == 3 and done.path.parent == tmp_path / "exports"
        clock.advance(seconds=1)
        kept = built.services.exports.export(ExportRequest(ExportFormat.XLSX), supervisor).path
        _written_ago(done.path, clock, days=3, minutes=1)
        _written_ago(kept, clock, days=2, hours=23)

        wrote.clear()
        background = start_background(built, lambda _s: None)
        try:
            assert wrote.wait(10), "the purge at start-up ran through the database lane"
        finally:
            background.stop()
        assert not done.path.exists() and kept.exists()
        assert [d["export_keep_days"] for d in _purge_details(built)] == [3]
    finally:
        built.engine.dispose()


def test_the_exports_keep_time_is_whole_days_from_0_to_3650() -> None:
    assert Config().export_keep_days == 7
    assert from_dict({"export_keep_days": 0}).export_keep_days == 0
    assert from_dict({"export_keep_days": 3_650}).export_keep_days == 3_650
    assert Config(data_dir=Path("/x")).exports_dir == Path("/x/exports")


@pytest.mark.parametrize("wrong", ["7", -1, 1.5, 3_651, True])
def test_a_wrong_exports_keep_time_is_named_in_chinese(wrong: object) -> None:
    with pytest.raises(ConfigInvalid) as refused:
        from_dict({"export_keep_days": wrong})
    (problem,) = refused.value.problems
    assert problem.startswith("export_keep_days = ") and "0 到 3650 之间的整数天（不加引号）" in problem, (
        problem
    )
    assert "改正后重新启动程序" in str(refused.value)
