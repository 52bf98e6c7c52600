"""Retracting a draw: a recorded reason and a second supervisor's username and password, sent to the centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, run_in_background

if TYPE_CHECKING:
    from kiosk.services.draw_views import DrawView
    from kiosk.ui.lottery.state import ConsoleState


class RetractDialog(QDialog):
    """Enter moves through reason, username, password, then retracts; Esc leaves the draw as it is."""

    def __init__(self, state: ConsoleState, draw: DrawView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Retract the draw"))
        self.setModal(True)
        self.setMinimumWidth(860)  # the question wraps in a few lines, the three fields stay apart
        self.state = state
        self.draw = draw
        self.retracted: DrawView | None = None
        what = QLabel(
            self.tr(
                "Retract the draw of {plan}? It stays on record with its reason, and a new draw needs new sources."
            ).format(plan=draw.plan_name),
            wordWrap=True,
        )
        self.reason = QLineEdit(objectName="retractReason")
        self.username = QLineEdit(objectName="secondUsername")
        self.password = QLineEdit(objectName="secondPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Second supervisor"), self.username)
        form.addRow(self.tr("Their password"), self.password)
        self.error = InlineError()
        self.error.setObjectName("retractError")
        self.confirm = QPushButton(self.tr("Retract"))
        self.confirm.setObjectName("confirmRetract")
        set_kind(self.confirm, "danger")
        self.confirm.setAutoDefault(False)
        self.cancel = QPushButton(self.tr("Keep the draw"))
        self.cancel.setObjectName("keepDraw")
        self.cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        column = QVBoxLayout(self)
        column.addWidget(what)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addLayout(buttons)
        self.reason.returnPressed.connect(self.username.setFocus)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)
        self.reason.setFocus()

    @classmethod
    def ask(cls, parent: QWidget, state: ConsoleState, draw: DrawView) -> DrawView | None:
        """The retracted draw, or None if the supervisor kept it."""
        dialog = cls(state, draw, parent)
        dialog.exec()
        return dialog.retracted

    def submit(self) -> None:
        if not self.confirm.isEnabled():
            return
        draws, operator, draw_id = self.state.draws, self.state.signed_in(), self.draw.draw_id
        reason, username, password = self.reason.text(), self.username.text(), self.password.text()
        self.confirm.setEnabled(False)
        self.error.clear()
        run_in_background(
            self,
            lambda: draws.retract(operator, draw_id, reason, username, password),
            self._done,
            self._failed,
            lane=Lane.NETWORK,
        )

    def _done(self, draw: DrawView) -> None:
        self.retracted = draw
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.confirm.setEnabled(True)
        self.password.clear()
        self.error.show_error(exc)
        self.password.setFocus()
