"""The blocking screen when the counter must not work: what happened, the facts, and what the supervisor does."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.theme import set_kind


class RecoveryScreen(QWidget):
    """Covers the whole window; nothing else can be used until the supervisor has acted and restarted.

    The service's words (Chinese already) are shown as they are: ``message`` what happened, ``details`` the
    facts (where a damaged file was kept, how many registrations are unsent), ``steps`` what to do.
    """

    close_requested = Signal()

    def __init__(
        self,
        message: str,
        details: tuple[str, ...] = (),
        steps: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("recoveryScreen")
        title = QLabel(self.tr("This counter cannot work right now"))
        set_kind(title, "title")
        self.message = _label(message, "recoveryMessage")
        self.details = _label("\n".join(details), "recoveryDetails")
        self.details.setVisible(bool(details))
        heading = QLabel(self.tr("What the supervisor does:"))
        heading.setVisible(bool(steps))
        self.steps = _label("\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)), "recoverySteps")
        self.steps.setVisible(bool(steps))
        self.close_button = QPushButton(self.tr("Close the program"))
        self.close_button.setObjectName("recoveryClose")
        self.close_button.clicked.connect(self.close_requested)

        column = QVBoxLayout(self)
        column.setContentsMargins(48, 32, 48, 32)
        column.setSpacing(20)
        for widget in (title, self.message, self.details, heading, self.steps):
            column.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        column.addLayout(row)
        column.addStretch(1)
        self.setFocusProxy(self.close_button)

    def text(self) -> str:
        """Everything the screen says, for the log and for tests."""
        return "\n".join(w.text() for w in (self.message, self.details, self.steps) if w.text())


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    # Staff read a path or a command off this screen to the supervisor or to support: let them copy it.
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
