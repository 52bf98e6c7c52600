"""The counter's log: a private file (0600) that knows whether its last write worked, never a full ID or phone."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Any

# --- logging: never a full resident ID number or phone number in the log ----------------------------------


def mask_personal(text: str) -> str:
    from kiosk_core.identity import mask_personal as mask

    return mask(text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_personal(super().format(record))


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """kiosk.log, readable by the kiosk's user only; knows whether its last line reached the file.

    Staff are told "已记录日志" only when it did (kiosk.ui.messages reads ``last_write_ok``).
    """

    last_write_ok = True

    def _open(self) -> Any:
        from kiosk.storage.private_files import open_private

        fd = open_private(Path(self.baseFilename))
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115 - the handler keeps it

    def emit(self, record: logging.LogRecord) -> None:
        self.last_write_ok = True
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.last_write_ok = False
        super().handleError(record)


def setup_logging(log_dir: Path) -> None:
    formatter = MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(formatter)
    handlers: list[logging.Handler] = [console]
    try:
        from kiosk.storage.private_files import private_dir

        private_dir(log_dir)
        file_handler = PrivateLogFile(
            log_dir / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        handlers.append(file_handler)
    except OSError as exc:
        # A full disk must not stop the counter: it starts, and staff are never told an error was logged.
        print(f"kiosk: 日志文件不能写入（{exc.strerror or exc}），只输出到控制台", file=sys.stderr)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for old in [h for h in root.handlers if getattr(h, "kiosk", False)]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler.kiosk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    _route_qt_messages()


def _route_qt_messages() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR}
    levels[QtMsgType.QtFatalMsg] = logging.CRITICAL

    def handle(kind: QtMsgType, _context: object, text: str) -> None:
        # The offscreen platform (benchmarks, screenshots) says this about every window: not worth a warning.
        level = logging.DEBUG if "propagateSizeHints" in text else levels.get(kind, logging.INFO)
        qt_log.log(level, text)

    qInstallMessageHandler(handle)
