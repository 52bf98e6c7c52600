"""The ``kiosk`` command: options, logging, Qt, font, language and services, then the counter's window."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import logging.handlers
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    from kiosk.bootstrap import Built
    from kiosk.config import Config
    from kiosk.services.container import Services

from kiosk.log_setup import MaskingFormatter, PrivateLogFile, mask_personal, setup_logging
from kiosk.start_checks import data_dir_problem, fresh_cache
from kiosk_core.errors import CacheUnusable, KioskError

__all__ = ["MaskingFormatter", "PrivateLogFile", "main", "mask_personal"]

log = logging.getLogger("kiosk")

WINDOW_SIZE = (1366, 820)
# The fields of kiosk.services.container.Services (a test keeps the two in step).
SERVICE_NAMES = ("auth", "households", "catalog", "registration", "records", "slips", "sync")

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
        return _refuse_to_start(args, exc.message, (), (exc.hint,) if exc.hint else ())
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
    messages.install_excepthook()
    theme.apply(app, config.theme.font_pt, theme.load_font(config.resources), config.resources)
    i18n.install_translator(app, config.theme.language, config.resources / "translations")

    if args.demo and importlib.util.find_spec("kiosk.services.demo_data") is None:
        print("kiosk: --demo: this build has no demo data loader (kiosk.services.demo_data)", file=sys.stderr)
        return 2
    from kiosk.platform.speech import create_speech_engine
    from kiosk.ui.main_window import MainWindow

    backend = DeferredServices(config, demo=args.demo)
    speech = create_speech_engine(config.speech.engine, config.speech.audio_device or None)
    window = MainWindow(backend.services(), speech, config)
    window.resize(*WINDOW_SIZE)

    sync_worker: list[Any] = []

    def services_ready() -> None:
        window.prepare()
        sync_worker.extend(_start_sync(backend, window))

    def after_first_frame() -> None:
        _on_first_frame(app, window, args, started)
        backend.warm_up(window, on_ready=services_ready, on_unusable=lambda exc: block(window, exc))

    _watch_first_frame(app, window, after_first_frame)
    if app.platformName() in ("offscreen", "minimal"):
        window.show()
    else:
        window.showMaximized()
    try:
        return app.exec()
    finally:
        for worker in sync_worker:
            worker.stop()
        _shut_down(backend, speech)


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


class DeferredServices:
    """The service layer, built on a worker after the first frame, or by the first call that needs it.

    Building it imports SQLAlchemy, Alembic and reportlab and opens the cache: most of a cold start. The login
    screen needs none of that to appear, so the window gets proxies and the build runs behind it.
    """

    def __init__(self, config: Config, *, demo: bool):
        self._config = config
        self._demo = demo
        self._lock = threading.Lock()
        self.built: Built | None = None
        self.unusable: CacheUnusable | None = None

    def get(self) -> Built:
        with self._lock:  # the warm-up and a first service call may race: one builds, the other waits
            if self.unusable is not None:
                raise self.unusable  # checked once: a second try would find the damaged file already set aside
            if self.built is None:
                try:
                    self.built = _build(self._config, demo=self._demo)
                except CacheUnusable as exc:
                    self.unusable = exc
                    raise
            return self.built

    def services(self) -> Services:
        """Stand-ins with the names of ``Services``' fields (importing it would import every service)."""
        return SimpleNamespace(**{name: _LazyService(self, name) for name in SERVICE_NAMES})  # type: ignore[return-value]

    def warm_up(
        self,
        parent: QObject,
        on_ready: Callable[[], None],
        on_unusable: Callable[[CacheUnusable], None] = lambda _exc: None,
    ) -> None:
        """Build on the service worker now; later service calls queue behind it on the same thread."""
        from kiosk.ui import messages
        from kiosk.ui.workers import run_in_background

        def failed(exc: Exception) -> None:
            if isinstance(exc, CacheUnusable):
                log.error("local cache unusable (%s): %s %s", exc.code, exc.message, " ".join(exc.details))
                on_unusable(exc)
                return
            messages.show_error(exc)  # logged there, with its traceback

        run_in_background(parent, self.get, lambda _built: on_ready(), failed)


class _LazyService:
    """Stands in for one service until first used; then every attribute is the real service's."""

    def __init__(self, backend: DeferredServices, name: str):
        self._backend = backend
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(getattr(self._backend.get().services, self._name), attribute)


def _build(config: Config, *, demo: bool) -> Built:
    started = time.perf_counter()
    from kiosk.bootstrap import build_services
    from kiosk.platform.qt_printer import QtSlipPrinter

    built = build_services(config, QtSlipPrinter(config.printer.name or None))
    if demo:
        _load_demo(built)
    log.info("services ready in %.0f ms", (time.perf_counter() - started) * 1000)
    return built


def _load_demo(built: Built) -> None:
    from sqlalchemy.orm import sessionmaker

    from kiosk.services.clock import system_clock
    from kiosk.services.demo_data import load_demo
    from kiosk.storage.uow import uow_factory

    uow = uow_factory(sessionmaker(built.engine, expire_on_commit=False))
    load_demo(uow, now=system_clock(), resources=built.config.resources)  # a no-op once plans exist


def _start_sync(backend: DeferredServices, window: Any) -> list[Any]:
    """The sync loop, when this counter has a central service; standalone counters show that on the bar."""
    from kiosk.services.sync_worker import SyncWorker

    built = backend.get()
    if not built.services.sync.configured:
        return []
    relay = window.sync_relay
    worker = SyncWorker(
        built.services.sync,
        relay.report_status,
        relay.report_progress,
        interval=built.config.central.interval_seconds,
    )
    window.sync_bar.sync_requested.connect(worker.sync_now)
    worker.start()
    return [worker, _start_push(built.config.central.url, worker)]


def _start_push(url: str, worker: Any) -> Any:
    """The centre's push channel wakes the sync worker at once; its polling stays for when the stream is down."""
    from kiosk.services.push_client import PushClient
    from kiosk.services.secrets import DEVICE_TOKEN, SecretStore

    secrets = SecretStore()  # the store build_services uses; the token is read per connection, never shared
    push = PushClient(
        url,
        lambda: secrets.get(DEVICE_TOKEN) or "",
        lambda _event: worker.sync_now(),
        on_auth_failed=worker.sync_now,  # the sync round renews the device token in the keyring
    )
    push.start()
    return push


def block(window: QMainWindow, exc: CacheUnusable) -> None:
    """The counter stops here: the recovery screen covers the window until the supervisor acts and restarts."""
    from kiosk.ui.recovery_screen import RecoveryScreen

    screen = RecoveryScreen(exc.message, exc.details, exc.steps)
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


def _shut_down(backend: DeferredServices, speech: Any) -> None:
    from PySide6.QtCore import QThreadPool

    from kiosk.ui.workers import wait_for_lanes

    speech.stop()
    # A registration or a print still under way finishes before the database closes.
    wait_for_lanes(10_000)
    QThreadPool.globalInstance().waitForDone(10_000)
    if backend.built is not None:
        backend.built.engine.dispose()
    log.info("stopped")


if __name__ == "__main__":
    sys.exit(main())
