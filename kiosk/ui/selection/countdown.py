"""The household's countdown at the counter: waiting for its turn, the time left, or paused and why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.ui.hall.calling_screen import countdown
from kiosk.ui.selection.state import CounterState


class CountdownLabel(QLabel):
    """Read each second (``refresh``) from the centre's last word and the clock offset: the centre's clock
    decides, so this counter's own clock being wrong changes nothing."""

    def __init__(self, state: CounterState):
        super().__init__()
        self.setObjectName("selectionCountdown")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._state = state

    def refresh(self) -> None:
        state, turn = self._state, self._state.turn
        kind = ""
        if turn is None:
            text = ""
        elif turn.state != "open":
            text = self.tr("Waiting for the households before it in its pool")
            kind = "hint"
        elif turn.paused or state.offline:
            left = countdown(state.remaining() or 0)
            text = self.tr(
                "Paused at {left}: this counter cannot reach the centre; the time goes on when it does"
            ).format(left=left)
            kind = "error"
        else:
            text = self.tr("Its turn: {left} left").format(left=countdown(state.remaining() or 0))
            kind = "notice"
        self.setText(text)
        if self.property("kind") != kind:
            self.setProperty("kind", kind)
            self.style().unpolish(self)
            self.style().polish(self)
