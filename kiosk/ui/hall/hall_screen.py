"""The base of every hall screen: a frameless window on a chosen monitor, in the counter's theme at hall sizes."""

from __future__ import annotations

from collections.abc import Sequence
from string import Template
from typing import Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QScreen
from PySide6.QtWidgets import QWidget

from kiosk.ui import theme
from kiosk.ui.hall.feed import HallFeed

# Text read across a hall: about 1/24 of the screen's height (45 pt on 1080 lines), never below the counter's
# largest text size.
LINES_PER_SCREEN = 24


def hall_pt(height: int) -> int:
    return max(theme.MAX_PT, round(height / LINES_PER_SCREEN))


def choose_screen(screens: Sequence[QScreen], index: int) -> tuple[QScreen, bool]:
    """The screen at ``index`` (the ``[hall] screen`` setting) and True; the last one and False if not connected."""
    if not screens:
        raise ValueError("no screen")
    if 0 <= index < len(screens):
        return screens[index], True
    return screens[-1], False


class HallScreen(QWidget):
    """A passive public window: it shows the latest state of its feed and nothing else.

    It calls no service and takes no input (no focus, no pointer): whatever it shows was published to its feed.
    Subclasses build their widgets, then call ``render`` with the feed's state; ``render`` is also called on
    every new state, on the GUI thread whatever thread published it.
    """

    state_arrived = Signal(object)
    STYLE = Template("")  # a subclass's own rules, in the theme's colours and ${pt}

    def __init__(self, feed: HallFeed[Any], parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("hallScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # The counter's window keeps the keyboard: a scan never lands on the hall's screen.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.feed = feed
        self.pt = theme.MAX_PT
        # Queued when published from another thread (Qt's automatic connection): render runs on this one.
        self.state_arrived.connect(lambda _state: self.render(self.feed.current))
        self._unsubscribe = feed.subscribe(self.state_arrived.emit)

    def render(self, state: Any) -> None:
        """Draw ``state``; each hall screen draws its own (the base draws nothing but its background)."""

    # --- placing ---------------------------------------------------------------------------------------------

    def place_in(self, geometry: QRect) -> None:
        """Cover ``geometry`` (a screen's), with text sized for it."""
        self.setGeometry(geometry)
        self.apply_theme(hall_pt(geometry.height()))

    def place_on(self, screen: QScreen) -> None:
        self.setScreen(screen)
        self.place_in(screen.geometry())

    def show_on(self, screen: QScreen, fullscreen: bool = True) -> None:
        """Fullscreen on ``screen``; a window on it otherwise (the hall's monitor is missing: staff see why)."""
        if fullscreen:
            self.place_on(screen)
            # Not showFullScreen(): it also activates the window, and the counter's window keeps the keyboard.
            self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
            self.show()
        else:
            self.setScreen(screen)
            area = screen.availableGeometry()
            self.place_in(QRect(area.topLeft(), area.size() / 2))
            self.show()

    def apply_theme(self, pt: int) -> None:
        """The counter's style sheet and colours at ``pt``: the hall reads like the counter, only larger."""
        self.pt = pt
        font = QFont(self.font())
        font.setPointSize(pt)
        self.setFont(font)
        colors = theme.colors()
        own = self.STYLE.substitute(colors, pt=pt, title_pt=round(pt * 1.6), huge_pt=round(pt * 3))
        # A widget under a style sheet takes its size from the sheet, not from its parent's font: said here.
        hall = f"#hallScreen {{ background: {colors['background']}; }}\n#hallScreen QLabel {{ font-size: {pt}pt; }}"
        self.setStyleSheet(f"{theme.stylesheet(pt)}\n{hall}\n{own}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._unsubscribe()
        super().closeEvent(event)
