"""The base of a step that waits on the centre (the lottery console's, the selection counter's): a title, one
primary action, Enter to move on, centre calls on the network lane whose answers a newer household drops."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, Operation, run_in_background


class Generations(Protocol):
    """What a step's state tells it: ``generation`` goes up when the work starts over (another plan, household)."""

    generation: int


class CentreStep(QWidget):
    """One step; ``moved_on``: done here, the page shows the step the centre's answer now calls for.

    Enter in a field goes to the next field, in the last one (or anywhere else) it presses the primary button;
    Enter on a focused button presses that button. ``name`` prefixes the object names tests and styles find.
    """

    moved_on = Signal()
    # Enter in a table presses the primary button (the console's list of plans) or only acts on its row.
    enter_in_a_table_goes_on = True

    def __init__(self, state: Generations, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.busy = False
        self._had_focus = False
        self.title = QLabel()  # each step says its own
        set_kind(self.title, "title")
        self.error = InlineError()
        self.error.setObjectName(f"{name}Error")
        self.status = QLabel(objectName=f"{name}Status", wordWrap=True)
        self.status.hide()
        self.primary = QPushButton()
        self.primary.setObjectName(f"{name}Primary")
        set_kind(self.primary, "primary")
        self.primary.clicked.connect(self._primary_clicked)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        self.actions = QHBoxLayout()
        self.actions.addStretch(1)
        self.actions.addWidget(self.primary)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(self.title)
        column.addLayout(self.body, 1)
        column.addWidget(self.error)
        column.addWidget(self.status)
        column.addLayout(self.actions)
        self.fields: list[QLineEdit] = []  # the order Enter walks

    # --- what the page asks of a step ---

    def enter(self) -> None:
        """Shown: read what the step shows."""

    def go_on(self) -> None:
        """The primary action."""

    def first_focus(self) -> QWidget:
        return self.fields[0] if self.fields else self.primary

    # --- helpers ---

    def say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def run_network(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        lane: Lane = Lane.NETWORK,
    ) -> Operation:
        """A call to the centre off the GUI thread; its answer is dropped if the work started over meanwhile.

        A refusal shows its Chinese message on this step; the primary button waits for the answer.
        """
        generation = self.state.generation
        self._set_busy(True)
        self.error.clear()

        def done(result: Any) -> None:
            self._set_busy(False)
            if generation == self.state.generation:
                on_success(result)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            if generation != self.state.generation:
                return
            self.error.show_error(exc)
            if on_error is not None:
                on_error(exc)

        return run_in_background(self, fn, done, failed, lane=lane)

    def _set_busy(self, busy: bool) -> None:
        if busy:
            # Disabled while the centre answers, the button hands the focus on (to Retract, say): it gets it
            # back after, so Enter tries again rather than pressing whatever came next.
            self._had_focus = self.primary.hasFocus() or self.focusWidget() is self.primary
        self.busy = busy
        self.refresh_primary()
        if not busy and self._had_focus and self.primary.isEnabled() and self.primary.isVisible():
            self.primary.setFocus()

    def primary_enabled(self) -> bool:
        return True

    def refresh_primary(self) -> None:
        self.primary.setEnabled(not self.busy and self.primary_enabled())

    def _primary_clicked(self) -> None:
        if not self.busy and self.primary_enabled():
            self.go_on()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        focused = self.focusWidget()
        if isinstance(focused, QPushButton):
            focused.click()  # Enter on a focused button presses that button, not the step's
            return
        if isinstance(focused, QAbstractItemView) and not self.enter_in_a_table_goes_on:
            return  # the table acted on its row (activated)
        if focused in self.fields:
            index = self.fields.index(focused)  # type: ignore[arg-type]
            later = [f for f in self.fields[index + 1 :] if f.isVisible() and f.isEnabled()]
            if later:
                later[0].setFocus(Qt.FocusReason.TabFocusReason)
                return
        self._primary_clicked()
