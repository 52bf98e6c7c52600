"""What the Records dialogs share: one registration, a service call on a worker, Back/confirm, retry on error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import InlineError
from kiosk.ui.workers import run_in_background

if TYPE_CHECKING:
    from kiosk.services.records import RecordsService
    from kiosk.services.views import OperatorSession, RegistrationView


class RecordDialog(QDialog):
    """``result_view`` holds the registration as the service returned it once the change is done.

    A subclass builds its fields, then ``_lay_out`` them; its submit calls ``_run`` with the service call,
    and ``_on_failed`` shows why, keeping the dialog open so staff can correct and try again.

    Enter in a last field (``submit_from``) is the confirm button; Enter in another field moves to the next
    field. No button is a default button: QDialog would otherwise make Back the default and close the dialog
    on Enter while the change it had just started went through unseen. While a change is on its way the
    dialog stays open (Back, Esc and closing do nothing), so its answer, or its refusal, is always seen.
    """

    def __init__(
        self,
        records: RecordsService,
        registration: RegistrationView,
        operator: OperatorSession,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        self._records = records
        self._registration = registration
        self._operator = operator
        self._busy = False
        self.result_view: RegistrationView | None = None
        self.error = InlineError()
        self.back = QPushButton(self.tr("Back"))
        self.back.setObjectName("back")
        self.confirm = QPushButton()
        for button in (self.back, self.confirm):
            button.setAutoDefault(False)
        self._submit_from: tuple[QLineEdit, ...] = ()

    @classmethod
    def _supervisor_fields(self) -> tuple[QLineEdit, QLineEdit]:
        """A supervisor's user name and password, typed at the counter to approve a change."""
        name = QLineEdit()
        name.setObjectName("supervisor")
        name.setPlaceholderText(self.tr("Supervisor's user name"))
        password = QLineEdit()
        password.setObjectName("supervisorPassword")
        password.setEchoMode(QLineEdit.EchoMode.Password)
        password.setPlaceholderText(self.tr("Supervisor's password"))
        return name, password

    def ask(
        cls,
        parent: QWidget,
        records: RecordsService,
        registration: RegistrationView,
        operator: OperatorSession,
    ) -> RegistrationView | None:
        """The changed registration, or None if staff went back (tests patch this)."""
        dialog = cls(records, registration, operator, parent)
        try:
            dialog.exec()
            return dialog.result_view
        finally:
            dialog.deleteLater()

    def _lay_out(
        self, *parts: QWidget | QLayout, submit_from: Sequence[QLineEdit], submit: Callable[[], None]
    ) -> None:
        """The parts top to bottom, then the error line and Back … confirm; Enter in ``submit_from`` confirms."""
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        column = QVBoxLayout(self)
        column.setSpacing(16)
        for part in parts:
            if isinstance(part, QLayout):
                column.addLayout(part)
            else:
                column.addWidget(part)
        column.addWidget(self.error)
        column.addLayout(buttons)
        self.back.clicked.connect(self.reject)
        self.confirm.clicked.connect(submit)
        self._submit_from = tuple(submit_from)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # A line edit passes Enter on to its window after emitting returnPressed; it arrives here.
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        event.accept()
        focus = self.focusWidget()
        if focus in self._submit_from:
            self.confirm.click()  # does nothing while disabled, exactly as the button
        elif isinstance(focus, QAbstractButton):
            focus.click()
        elif isinstance(focus, QLineEdit):
            self._focus_next_field(focus)

    def _focus_next_field(self, after: QWidget) -> None:
        widget = after.nextInFocusChain()
        while widget is not after and widget is not self:
            if isinstance(widget, QLineEdit) and widget.isVisible() and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def _run(self, call: Callable[[], RegistrationView]) -> None:
        if self._busy:
            return
        self.error.clear()
        self._busy = True
        self.confirm.setEnabled(False)
        self.back.setEnabled(False)
        run_in_background(self, call, self._on_done, self._failed)

    def _on_done(self, view: RegistrationView) -> None:
        self._busy = False
        self.back.setEnabled(True)
        self.result_view = view
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self.confirm.setEnabled(True)
        self.back.setEnabled(True)
        self.error.show_error(exc)
        self._on_failed(exc)

    def _on_failed(self, exc: Exception) -> None:
        """Where the focus goes after an error; the message is shown already."""
