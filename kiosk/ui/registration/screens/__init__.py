"""The counter wizard's step screens and the few pieces they share (base class, option cards, formats)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui import messages
from kiosk.ui.workers import Lane, Operation, run_in_background
from kiosk_core.errors import Refusal

if TYPE_CHECKING:
    from kiosk.ui.registration.draft_state import DraftState


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """The widget's font grown by ``factor``: sizes follow the theme's base size (≈20 pt) instead of fixing it."""
    font = QFont(widget.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 20.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def label(
    text: str = "",
    *,
    factor: float = 1.0,
    bold: bool = False,
    name: str = "",
    kind: str = "",
    wrap: bool = True,
) -> QLabel:
    """A label; ``kind`` is the theme's role (title, subtitle, hint), ``factor`` grows the font otherwise."""
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    if factor != 1.0 or bold:
        widget.setFont(scaled_font(widget, factor, bold))
    if name:
        widget.setObjectName(name)
    if kind:
        widget.setProperty("kind", kind)
    return widget


def option_list(spacing: int) -> tuple[QVBoxLayout, QScrollArea]:
    """A scrolling column for option cards: add cards to the layout, put the scroll area on the screen."""
    cards = QVBoxLayout()
    cards.setSpacing(spacing)
    holder = QWidget(objectName="scrollBody")
    outer = QVBoxLayout(holder)
    outer.setContentsMargins(0, 0, 12, 0)  # room for the scroll bar beside the cards' focus frames
    outer.addLayout(cards)
    outer.addStretch(1)
    scroll = QScrollArea(objectName="optionScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(holder)
    return cards, scroll


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (selected, unavailable, level) changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def discard(widget: QWidget) -> None:
    """Take a widget off screen and out of the tree now; Qt frees it later (deleteLater)."""
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()


def when(moment: datetime) -> str:
    return QCoreApplication.translate("Format", "{y}-{m:02d}-{d:02d} {hm}").format(
        y=moment.year, m=moment.month, d=moment.day, hm=moment.strftime("%H:%M")
    )


def area(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + " m²"


def rent(value: int) -> str:
    return QCoreApplication.translate("Format", "{rent} yuan/month").format(rent=f"{value:,}")


def family_range(low: int, high: int) -> str:
    if low == high:
        return QCoreApplication.translate("Format", "for {n} person(s)").format(n=low)
    return QCoreApplication.translate("Format", "for {low}–{high} persons").format(low=low, high=high)


def countdown(now: datetime, start: datetime, end: datetime) -> tuple[str, str]:
    """Text and phase ("upcoming", "open", "closed") of a registration window; the phase is only for colour."""
    if now < start:
        return QCoreApplication.translate("Format", "Opens in {left}").format(
            left=_left(start - now)
        ), "upcoming"
    if now < end:
        return QCoreApplication.translate("Format", "Closes in {left}").format(left=_left(end - now)), "open"
    return QCoreApplication.translate("Format", "Registration closed"), "closed"


def _left(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return (
        QCoreApplication.translate("Format", "{days} d {clock}").format(days=days, clock=clock)
        if days
        else clock
    )


def refusal_lines(refusals: tuple[Refusal, ...]) -> str:
    """Every reason, each with what the household can do: staff explain all of them at once."""
    return "\n".join(f"✕ {r.message}" + (f"（{r.remedy}）" if r.remedy else "") for r in refusals)


class MessageLabel(QLabel):
    """An inline banner on a screen: the service's Chinese message and its hint, or a calm status line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inlineMessage")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, exc: BaseException) -> None:
        message = messages.describe(exc)
        self.show_text(message.text + (f"\n→ {message.hint}" if message.hint else ""), "error")

    def show_text(self, text: str, level: str = "info") -> None:
        """``level``: "error", "info" or "success"; the theme colours the first two (kinds error, notice)."""
        self.setText(text)
        self.setProperty("kind", {"info": "notice"}.get(level, level))
        repolish(self)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


class OptionCard(QFrame):
    """A large selectable box (a plan, a unit type): click or Space selects; double-click or Enter also goes on.

    An unavailable option stays readable and shows why (greyed, not hidden): it can be looked at, not chosen.
    """

    chosen = Signal()
    activated = Signal()

    def __init__(self, available: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("optionCard")
        self.available = available
        self.setProperty("unavailable", not available)
        self.setProperty("selected", False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if available else Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor if available else Qt.CursorShape.ForbiddenCursor)
        # Preferred, not Maximum: as tall as its wrapped lines need at the width it gets (large text, 1366 px).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 12, 18, 12)
        self.body.setSpacing(4)
        # Said in words too, not only by the frame's colour; subclasses place it in their first line.
        self.mark = label(self.tr("✓ Chosen"), name="chosenMark", wrap=False)
        self.mark.setVisible(False)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.mark.setVisible(selected)
        repolish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.available and event.button() == Qt.MouseButton.LeftButton:
            self.chosen.emit()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.available and event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit()
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if self.available and key == Qt.Key.Key_Space:
            self.chosen.emit()
            return
        if self.available and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Keyboard staff: Enter on the focused option takes it and goes on, like a double-click.
            self.chosen.emit()
            self.activated.emit()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._focus_neighbour(1 if key == Qt.Key.Key_Down else -1)
            return
        super().keyPressEvent(event)

    def _focus_neighbour(self, step: int) -> None:
        """The next choosable option above or below, across projects too (Tab would stop on every link)."""
        cards = [c for c in self.window().findChildren(OptionCard) if c.available and c.isVisible()]
        cards.sort(key=lambda c: c.mapToGlobal(c.rect().topLeft()).y())
        index = cards.index(self) + step
        if 0 <= index < len(cards):
            cards[index].setFocus(Qt.FocusReason.TabFocusReason)


class Screen(QWidget):
    """One step of the counter wizard.

    The wizard's footer shows ``primary_text()`` on its main button and calls ``go_on()``; a screen emits
    ``step_done`` when its step is complete and ``primary_changed`` when the button's text or state changes.
    """

    primary_changed = Signal()
    step_done = Signal()
    # The centre refused the choice (a unit another counter took first): the wizard goes back to the step
    # that chooses (``chooses``) and has it show the refusal.
    choice_refused = Signal(object)  # the KioskError to show
    chooses = False

    def __init__(self, state: DraftState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.busy = False

    # --- what the wizard asks of a screen ---
    def primary_text(self) -> str:
        return self.tr("Next ›")

    def primary_enabled(self) -> bool:
        return not self.busy

    def go_on(self) -> None:
        self.step_done.emit()

    def can_leave(self) -> bool:
        """False while going back would abandon something half done (a registration being written)."""
        return True

    def handle_enter(self) -> bool:
        """Return True when the screen used the Enter key itself (e.g. to move to the next field)."""
        return False

    def enter(self) -> None:
        """Called when the screen comes up: load what it shows for the current draft."""

    def leave(self) -> None:
        """Called when another screen comes up."""

    def clear(self) -> None:
        """Forget everything about the current household (next household)."""

    def default_focus(self) -> QWidget | None:
        return None

    def show_refusal(self, exc: BaseException) -> None:
        """Called on a choosing step (``chooses``) the wizard came back to after the centre refused it."""

    # --- helpers ---
    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        lane: Lane = Lane.DATABASE,
        busy: bool = True,
    ) -> Operation:
        """A service call on a worker; the result is dropped if the wizard moved on to the next household."""
        generation = self.state.generation

        def current() -> bool:
            return generation == self.state.generation

        def done(result: Any) -> None:
            if busy:
                self._set_busy(False)
            if current():
                on_success(result)

        def failed(exc: Exception) -> None:
            if busy:
                self._set_busy(False)
            if not current():
                return
            if on_error is None:
                messages.show_error(exc)
            else:
                on_error(exc)

        if busy:
            self._set_busy(True)
        return run_in_background(self, fn, done, failed, lane=lane)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.primary_changed.emit()
