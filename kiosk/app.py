"""The ``kiosk`` command: options, logging, Qt, font, language and services, then the counter's window."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    from kiosk.bootstrap import Background, Built
    from kiosk.config import Config
    from kiosk.platform.speech import SpeechEngine
    from kiosk.services.clock import Clock

from kiosk.log_setup import MaskingFormatter, PrivateLogFile, mask_personal, setup_logging
from kiosk.services.deferred import Deferred
from kiosk.start_checks import data_dir_problem, fresh_cache
from kiosk_core.errors import CacheUnusable, KioskError

__all__ = ["MaskingFormatter", "PrivateLogFile", "main", "mask_personal"]

log = logging.getLogger("kiosk")

WINDOW_SIZE = (1366, 820)

# Heavy modules (Qt, SQLAlchemy, reportlab) are imported inside main(): `kiosk --help` stays instant and
# `python -X importtime -m kiosk.app` shows the start-up cost where it is paid.


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    # Households' data is in every file Kiosk makes: its user's only (the files say so again, explicitly).
    os.umask(0o077)
    args = _parse_args(argv)

    try:
        config = _config(args)
    except KioskError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        if args.self_check:  # headless: no window to explain it in
            print(f"kiosk self-check: 自检失败（配置文件）：{exc.message} | FAILED config: {exc.code}")
            return 1
        return _refuse_to_start(args, exc.message, (), (exc.hint,) if exc.hint else ())
    if args.self_check:
        from kiosk.self_check import run_self_check

        return run_self_check(config, own_data_dir=bool(args.data_dir or args.config))
    problem = data_dir_problem(config.data_dir)
    if problem is not None:
        print(f"kiosk: {problem.message}", file=sys.stderr)
        return _refuse_to_start(args, problem.message, problem.details, problem.steps)
    if args.fresh_cache:
        return fresh_cache(config)
    setup_logging(config.data_dir / "logs")
    log.info(
        "starting: data %s, counter %s, language %s, printer %s",
        config.data_dir,
        config.counter,
        config.theme.language,
        config.printer.name or "(system default)",
    )

    from PySide6.QtWidgets import QApplication

    from kiosk.ui import i18n, messages, theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Kiosk")
    from kiosk.ui.gc_on_gui_thread import GuiThreadCollector

    collector = GuiThreadCollector(app)  # noqa: F841  (kept by its parent; named for the reader)
    messages.install_excepthook()
    theme.apply(app, config.theme.font_pt, theme.load_font(config.resources), config.resources)
    i18n.install_translator(app, config.theme.language, config.resources / "translations")

    if args.demo and importlib.util.find_spec("kiosk.services.demo_data") is None:
        print("kiosk: --demo: this build has no demo data loader (kiosk.services.demo_data)", file=sys.stderr)
        return 2
    from kiosk.platform.speech import create_speech_engine
    from kiosk.services.clock import system_clock
    from kiosk.ui.main_window import MainWindow

    # The composition root (kiosk/bootstrap.py) builds everything else, on the database lane after the first
    # frame; the window is handed it deferred. The clock and the speech engine are all the first frame needs.
    clock = system_clock
    root: Deferred[Built] = Deferred(lambda: _build(config, clock, demo=args.demo), final=(CacheUnusable,))
    speech = create_speech_engine(config.speech.engine, config.speech.audio_device or None)
    window = MainWindow(root.map(lambda built: built.services), speech, config, clock=clock)
    window.resize(*WINDOW_SIZE)

    background: list[Background] = []

    def services_ready(built: Built) -> None:
        from kiosk.bootstrap import start_background

        window.prepare()
        for note in built.notes:
            messages.show(messages.Level.WARNING, note)  # stays until dismissed: staff should read it
        relay = window.sync_relay
        running = start_background(built, relay.report_status, relay.report_progress)
        if running.sync is not None:
            window.sync_bar.sync_requested.connect(running.sync.sync_now)
        background.append(running)

    def after_first_frame() -> None:
        _on_first_frame(app, window, args, started)
        warm_up(root, window, on_ready=services_ready, on_unusable=lambda exc: block(window, exc))

    window.faults.install()  # in front of messages' hook: a fault in a slot goes back to the sign-in
    _watch_first_frame(app, window, after_first_frame)
    window.present()
    try:
        return app.exec()
    finally:
        for running in background:
            running.stop()
        _shut_down(root, speech)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk", description="Public rental housing registration counter")
    parser.add_argument("--config", type=Path, help="TOML configuration file")
    parser.add_argument("--data-dir", type=Path, help="local cache, slips and logs (overrides the config)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="UI language (overrides the config)")
    parser.add_argument("--central-url", help="central service to sync with (overrides the config)")
    parser.add_argument(
        "--printer", metavar="QUEUE", help="printer (CUPS queue) for slips (overrides the config)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="load demo data into an empty cache and create demo operators"
    )
    parser.add_argument(
        "--fresh-cache",
        action="store_true",
        help="supervisor: after a damaged cache was set aside, start an empty one to fill from the centre",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check cache, slip, speech and resources headless (a temporary data folder unless given); one line",
    )
    parser.add_argument("--quit-after-ms", type=int, metavar="N", help="quit N ms after the first frame")
    parser.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="save the first frame as PNG and quit"
    )
    return parser.parse_args(argv)


def _config(args: argparse.Namespace) -> Config:
    from kiosk.config import load_config

    config = load_config(args.config)
    if args.data_dir:
        config = replace(config, data_dir=args.data_dir.expanduser().resolve())
    if args.lang:
        config = replace(config, theme=replace(config.theme, language=args.lang))
    if args.central_url:
        config = replace(config, central=replace(config.central, url=args.central_url))
    if args.printer is not None:
        config = replace(config, printer=replace(config.printer, name=args.printer))
    return config


def warm_up(
    root: Deferred[Built],
    parent: QObject,
    on_ready: Callable[[Built], None],
    on_unusable: Callable[[CacheUnusable], None] = lambda _exc: None,
) -> None:
    """Build the root's services on the database lane now; service calls queue behind it on the same thread."""
    from kiosk.ui import messages
    from kiosk.ui.workers import run_in_background

    def failed(exc: Exception) -> None:
        if isinstance(exc, CacheUnusable):
            log.error("local cache unusable (%s): %s %s", exc.code, exc.message, " ".join(exc.details))
            on_unusable(exc)
            return
        messages.show_error(exc)  # logged where the build failed, with its traceback

    run_in_background(parent, root.get, on_ready, failed)


def _build(config: Config, clock: Clock, *, demo: bool) -> Built:
    """The composition root's work, on the database lane behind the login screen."""
    started = time.perf_counter()
    from kiosk.bootstrap import build_counter
    from kiosk.ui.workers import write_on_database_lane

    built = build_counter(config, clock, demo=demo, database_writer=write_on_database_lane)
    log.info("services ready in %.0f ms", (time.perf_counter() - started) * 1000)
    return built


def block(window: QMainWindow, exc: CacheUnusable) -> None:
    """The counter stops here: the recovery screen covers the window until the supervisor acts and restarts."""
    from kiosk.ui.recovery_screen import RecoveryScreen

    screen = RecoveryScreen(exc.message, exc.details, exc.steps)
    kiosk = getattr(window, "kiosk", None)
    if kiosk is not None:
        kiosk.release()  # no cache, no supervisor's sign-in: kiosk mode must not trap the counter here
    screen.close_requested.connect(window.close)
    window.setCentralWidget(screen)
    screen.setFocus()


def _refuse_to_start(
    args: argparse.Namespace, message: str, details: tuple[str, ...], steps: tuple[str, ...]
) -> int:
    """A start that cannot go on still ends in a window saying why (staff start Kiosk from an icon)."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    from kiosk.config import Config
    from kiosk.ui import i18n, theme
    from kiosk.ui.recovery_screen import RecoveryScreen

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    defaults = Config()  # the configuration may be what is wrong
    theme.apply(app, defaults.theme.font_pt, theme.load_font(defaults.resources), defaults.resources)
    i18n.install_translator(app, args.lang or defaults.theme.language, defaults.resources / "translations")
    window = QMainWindow()
    screen = RecoveryScreen(message, details, steps)
    screen.close_requested.connect(window.close)
    window.setCentralWidget(screen)
    window.resize(*WINDOW_SIZE)
    _watch_first_frame(app, window, lambda: _on_first_frame(app, window, args, time.perf_counter()))
    window.show()
    app.exec()
    return 2


def _watch_first_frame(app: QApplication, window: QWidget, done: Callable[[], None]) -> None:
    """Call ``done`` once the window has painted for the first time (on the next turn, after the flush)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
                and watched.window() is window
            ):
                app.removeEventFilter(self)
                QTimer.singleShot(0, done)
            return False

    app.installEventFilter(FirstPaint(window))


def _on_first_frame(app: QApplication, window: QWidget, args: argparse.Namespace, started: float) -> None:
    from PySide6.QtCore import QTimer

    age = _process_age_ms()
    log.info(
        "first frame %.0f ms after main(), %s ms after the process started",
        (time.perf_counter() - started) * 1000,
        f"{age:.0f}" if age is not None else "?",
    )
    if args.screenshot:
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(args.screenshot)):
            log.error("could not save the screenshot to %s", args.screenshot)
        if args.quit_after_ms is None:
            app.quit()
    if args.quit_after_ms is not None:
        QTimer.singleShot(max(0, args.quit_after_ms), app.quit)


def _process_age_ms() -> float | None:
    """Milliseconds since this process was created (Linux; 10 ms steps), for the start-up benchmark."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])  # field 22 of stat(5), counted after the command name
        return (time.clock_gettime(time.CLOCK_BOOTTIME) - started_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _shut_down(root: Deferred[Built], speech: SpeechEngine) -> None:
    from kiosk.ui.workers import wait_for_lanes

    speech.stop()
    # A registration or a print still under way finishes before the database closes.
    wait_for_lanes(10_000)
    if root.built is not None:
        root.built.engine.dispose()
    log.info("stopped")


if __name__ == "__main__":
    sys.exit(main())
