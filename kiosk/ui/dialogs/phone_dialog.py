"""Changing a household's contact phone; the service accepts full-width digits, spaces and dashes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.dialogs.record_dialog import RecordDialog
from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import run_in_background

if TYPE_CHECKING:
    from kiosk.services.records import RecordsService
    from kiosk.services.views import OperatorSession, RegistrationView


class PhoneDialog(RecordDialog):
    def __init__(
        self,
        records: RecordsService,
        registration: RegistrationView,
        operator: OperatorSession,
        parent: QWidget | None = None,
    ):
        super().__init__(records, registration, operator, parent)
        self.setWindowTitle(self.tr("Change contact phone"))

        title = QLabel(self.tr("Change the contact phone of {name}").format(name=registration.applicant_name))
        set_kind(title, "subtitle")
        title.setWordWrap(True)
        current = QLabel(registration.phone_masked or self.tr("(none)"))
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText(self.tr("Mobile: 11 digits; landline with area code"))
        self.error = InlineError()
        self.error.setObjectName("phoneError")
        self.confirm = QPushButton(self.tr("Save phone"))
        self.confirm.setObjectName("savePhone")
        set_kind(self.confirm, "primary")
        self.back = QPushButton(self.tr("Back"))
        self.back.setObjectName("back")
        hint = QLabel(self.tr("The new number is used for this household's filing and active registrations."))
        hint.setWordWrap(True)
        set_kind(hint, "hint")

        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow(self.tr("Current phone"), current)
        form.addRow(self.tr("New phone"), self.phone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        column = QVBoxLayout(self)
        column.setSpacing(16)
        column.addWidget(title)
        column.addLayout(form)
        column.addWidget(hint)
        column.addWidget(self.error)
        column.addLayout(buttons)

        self.back.clicked.connect(self.reject)
        self.confirm.clicked.connect(self.submit)
        self.phone.returnPressed.connect(self.submit)
        self.phone.setFocus()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        records: RecordsService,
        registration: RegistrationView,
        operator: OperatorSession,
    ) -> RegistrationView | None:
        """The registration with its new phone, or None if staff went back."""
        dialog = cls(records, registration, operator, parent)
        try:
            dialog.exec()
            return dialog.result_view
        finally:
            dialog.deleteLater()

    def submit(self) -> None:
        if self._busy:
            return
        self.error.clear()
        reg_no, operator, raw = self._registration.reg_no, self._operator, self.phone.text()
        self._busy = True
        self.confirm.setEnabled(False)
        run_in_background(
            self,
            lambda: self._records.update_phone(reg_no, raw, operator),
            self._on_saved,
            self._on_failed,
        )

    def _on_saved(self, view: RegistrationView) -> None:
        self._busy = False
        self.result_view = view
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        self.confirm.setEnabled(True)
        self.error.show_error(exc)
        self.phone.setFocus()
        self.phone.selectAll()
