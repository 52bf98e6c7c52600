"""Opens and closes the hall's public window for the shell, on the screen the configuration names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from kiosk.services.clock import Clock, system_clock
from kiosk.ui import messages
from kiosk.ui.hall.feed import HallFeed

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.ui.hall.hall_screen import HallScreen
    from kiosk.ui.hall.notice_board import NoticeBoardState


class HallLauncher(QObject):
    """One hall window at a time; the shell publishes the time to it, the window only shows it."""

    closed = Signal()

    def __init__(self, config: Config, parent: QObject | None = None, *, clock: Clock = system_clock):
        super().__init__(parent)
        self._index = config.hall.screen
        self._clock = clock
        self.feed: HallFeed[NoticeBoardState] | None = None
        self.window: HallScreen | None = None
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)

    def open(self) -> bool:
        """Show the hall window; False when the PC has no screen at all."""
        # Imported here: the first frame (the login screen) has no use for them.
        from kiosk.ui.hall.hall_screen import choose_screen
        from kiosk.ui.hall.notice_board import NoticeBoardScreen, NoticeBoardState

        if self.window is not None:
            return True
        screens = QGuiApplication.screens()
        if not screens:
            return False
        screen, connected = choose_screen(screens, self._index)
        if not connected:
            messages.show(
                messages.Level.WARNING,
                self.tr("Hall screen {n} is not connected; the hall window is on screen {m}").format(
                    n=self._index, m=screens.index(screen)
                ),
                self.tr("Connect the hall's screen, or set [hall] screen in the configuration"),
            )
        self.feed = HallFeed(
            NoticeBoardState(
                centre=self.tr("Public rental housing registration"),
                notice=self.tr("Please have your filing notice and resident ID ready. Wait to be called."),
                now=self._clock(),
            )
        )
        self.window = NoticeBoardScreen(self.feed)
        self.window.show_on(screen, fullscreen=connected)
        self._timer.start()
        return True

    def close(self) -> None:
        if self.window is None:
            return
        self._timer.stop()
        window, self.window, self.feed = self.window, None, None
        window.close()
        window.deleteLater()
        self.closed.emit()

    def _tick(self) -> None:
        if self.feed is not None:
            self.feed.update(now=self._clock())
