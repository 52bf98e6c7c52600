"""The idle lock: no key or mouse input for a while warns, then locks, so the public never sees a left screen."""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QWidget

# Input that proves someone is at the counter; paint, timers and focus changes do not.
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleLock(QObject):
    """Application-wide input watcher. Timings in ms so tests can use milliseconds.

    ``warning_changed(ms_left)`` fires when the warning starts and every ``tick_ms`` after;
    ``warning_cancelled`` when input arrives in time; ``locked`` when ``idle_ms`` passed without input.
    """

    warning_changed = Signal(int)
    warning_cancelled = Signal()
    locked = Signal()

    def __init__(self, idle_ms: int, warning_ms: int, tick_ms: int = 1000, parent: QObject | None = None):
        super().__init__(parent)
        self.idle_ms = idle_ms
        self.warning_ms = min(warning_ms, idle_ms)
        self._quiet = QTimer(self, singleShot=True, interval=idle_ms - self.warning_ms)
        self._quiet.timeout.connect(self._start_warning)
        self._final = QTimer(self, singleShot=True, interval=self.warning_ms)
        self._final.timeout.connect(self._lock)
        self._tick = QTimer(self, interval=tick_ms)
        self._tick.timeout.connect(self._emit_left)
        self._warning_clock = QElapsedTimer()
        self.armed = False
        self.warning = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def arm(self) -> None:
        """Start watching (someone signed in or unlocked)."""
        self.armed = True
        self.poke()

    def disarm(self) -> None:
        """Stop watching (signed out, or already locked)."""
        self.armed = False
        self._stop_warning()
        self._quiet.stop()

    def poke(self) -> None:
        """Someone is here: start the quiet period again and take any warning back."""
        if not self.armed:
            return
        if self.warning:
            self._stop_warning()
            self.warning_cancelled.emit()
        self._quiet.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.armed and event.type() in _INPUT_EVENTS:
            self.poke()
        return False

    def _start_warning(self) -> None:
        self.warning = True
        self._warning_clock.start()
        self._final.start()
        self._tick.start()
        self._emit_left()

    def _emit_left(self) -> None:
        self.warning_changed.emit(max(0, self.warning_ms - self._warning_clock.elapsed()))

    def _stop_warning(self) -> None:
        self.warning = False
        self._final.stop()
        self._tick.stop()

    def _lock(self) -> None:
        self.disarm()
        self.locked.emit()


class IdleWarningBar(QLabel):
    """The non-modal amber strip: "1分钟后将锁定屏幕，请动一下鼠标或键盘", counting down."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("idleWarning")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.hide()

    def show_left(self, ms_left: int) -> None:
        seconds = math.ceil(ms_left / 1000)
        if seconds >= 60:
            left = self.tr("{n} min").format(n=round(seconds / 60))
        else:
            left = self.tr("{n} s").format(n=max(seconds, 1))
        self.setText(
            self.tr("The screen will lock in {left}. Please move the mouse or press a key.").format(left=left)
        )
        self.show()
