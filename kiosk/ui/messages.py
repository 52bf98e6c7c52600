"""One path for messages: services raise typed errors, this turns them into the banner staff read."""

from __future__ import annotations

import logging
import sys
import traceback
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.services.failures import log_unexpected
from kiosk_core.errors import KioskError, Refused, disk_full

log = logging.getLogger(__name__)


class Level(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    level: Level
    text: str
    hint: str = ""


def describe(exc: BaseException) -> Message:
    """The words staff see for an exception: the service's own for KioskError, a calm generic one otherwise.

    An unexpected error is logged here, once, so that the words can say whether the log really has it.
    """
    if isinstance(exc, Refused):
        lines = [r.message for r in exc.refusals]
        hints = [r.remedy for r in exc.refusals if r.remedy]
        return Message(Level.ERROR, "\n".join(lines), "；".join(dict.fromkeys(hints)))
    if isinstance(exc, KioskError):
        return Message(Level.ERROR, exc.message, exc.hint)
    # Once (the lane it failed on may have logged it already); True when it reached the log file.
    logged = log_unexpected(exc)
    if disk_full(exc):
        return Message(
            Level.ERROR,
            "磁盘已满，刚才的操作没有完成",
            "已保存的登记不受影响；请联系技术支持清理本机磁盘（删除无用文件）后再试",
        )
    if logged:
        return Message(
            Level.ERROR, "系统出了点问题，刚才的操作没有完成", "已记录日志；请重试，如仍不行请联系技术支持"
        )
    return Message(
        Level.ERROR,
        "系统出了点问题，刚才的操作没有完成",
        "日志也未能写入；请重试，如仍不行请联系技术支持，并说明刚才的操作和时间",
    )


class MessageBridge(QObject):
    shown = Signal(object)  # Message
    cleared = Signal()


_bridge: MessageBridge | None = None


def bridge() -> MessageBridge:
    global _bridge
    if _bridge is None:
        _bridge = MessageBridge()
    return _bridge


def show(level: Level, text: str, hint: str = "") -> None:
    bridge().shown.emit(Message(level, text, hint))


def show_error(exc: BaseException) -> None:
    bridge().shown.emit(describe(exc))


def clear() -> None:
    bridge().cleared.emit()


def install_excepthook() -> None:
    """An exception in a slot must not kill the counter: log it, tell staff, carry on."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KioskError):
            log.error("uncaught: %s", "".join(traceback.format_exception(exc_type, exc, tb)))
        show_error(exc)  # logs any other error, once

    sys.excepthook = hook


class MessageBar(QWidget):
    """The banner at the top of the window; errors stay until dismissed or the next action, others fade."""

    INFO_MS = 6000

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setObjectName("messageText")
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton(self.tr("Dismiss"))
        close.setObjectName("messageClose")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, interval=self.INFO_MS)
        self._timer.timeout.connect(self.hide)
        self.message: Message | None = None
        bridge().shown.connect(self._on_shown)
        bridge().cleared.connect(self.hide)
        self.hide()

    def _on_shown(self, message: Message) -> None:
        self.message = message
        text = message.text if not message.hint else f"{message.text}\n→ {message.hint}"
        self.text_label.setText(text)
        self.setProperty("level", message.level.value)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        if message.level in (Level.INFO, Level.SUCCESS):
            self._timer.start()
        else:
            self._timer.stop()
