"""Opens and closes the hall's public window for the shell, on the screen the configuration names.

The window is the notice board, or the lottery's projection while the console projects a draw (``project``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QScreen

from kiosk.services.clock import Clock, system_clock
from kiosk.ui import messages
from kiosk.ui.hall.feed import HallFeed

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.services.projection import ProjectionState
    from kiosk.ui.hall.hall_screen import HallScreen
    from kiosk.ui.hall.notice_board import NoticeBoardState


class HallLauncher(QObject):
    """One hall window at a time; the shell publishes the time to it, the window only shows it."""

    closed = Signal()
    opened = Signal()

    def __init__(self, config: Config, parent: QObject | None = None, *, clock: Clock = system_clock):
        super().__init__(parent)
        self._index = config.hall.screen
        self._clock = clock
        self.feed: HallFeed[NoticeBoardState] | None = None
        self.projection: HallFeed[ProjectionState] | None = None  # the console's, while it projects a draw
        self._make: Callable[[HallFeed[Any]], HallScreen] | None = None  # its window; None: ProjectionScreen
        self.window: HallScreen | None = None
        self._screen: QScreen | None = None
        self._fullscreen = True
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)

    def open(self) -> bool:
        """Show the hall window; False when the PC has no screen at all."""
        # Imported here: the first frame (the login screen) has no use for them.
        from kiosk.ui.hall.hall_screen import choose_screen

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
        self._screen, self._fullscreen = screen, connected
        self._show_window()
        self.opened.emit()
        return True

    def project(
        self, feed: HallFeed[Any] | None, screen: Callable[[HallFeed[Any]], HallScreen] | None = None
    ) -> None:
        """The lottery's projection of ``feed`` on the hall's window from now on (None: the notice board again);
        ``screen`` makes another hall window of it (selection's calling screen or unit board).

        An open window changes at once, on the same screen; a closed one shows it when opened.
        """
        if feed is self.projection and screen is self._make:
            return
        self.projection, self._make = feed, screen
        if self.window is not None:
            # The old one first: closed after the new one shows, it would hand the activation to the new one,
            # which takes no focus.
            old, self.window = self.window, None
            old.close()
            old.deleteLater()
            self._show_window()

    def _show_window(self) -> None:
        from kiosk.ui.hall.notice_board import NoticeBoardScreen, NoticeBoardState

        window: HallScreen
        if self.projection is not None:
            from kiosk.ui.hall.projection_screen import ProjectionScreen

            self._timer.stop()
            self.feed = None
            window = (self._make or ProjectionScreen)(self.projection)
        else:
            self.feed = HallFeed(
                NoticeBoardState(
                    centre=self.tr("Public rental housing registration"),
                    notice=self.tr(
                        "Please have your filing notice and resident ID ready. Wait to be called."
                    ),
                    now=self._clock(),
                )
            )
            window = NoticeBoardScreen(self.feed)
            self._timer.start()
        self.window = window
        assert self._screen is not None
        window.show_on(self._screen, fullscreen=self._fullscreen)

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
