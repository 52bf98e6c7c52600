"""Changing a household's contact phone; the service accepts full-width digits, spaces and dashes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from kiosk.ui.dialogs.record_dialog import RecordDialog
from kiosk.ui.theme import set_kind

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
        self.error.setObjectName("phoneError")
        self.confirm.setText(self.tr("Save phone"))
        self.confirm.setObjectName("savePhone")
        set_kind(self.confirm, "primary")
        hint = QLabel(self.tr("The new number is used for this household's filing and active registrations."))
        hint.setWordWrap(True)
        set_kind(hint, "hint")

        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow(self.tr("Current phone"), current)
        form.addRow(self.tr("New phone"), self.phone)
        self._lay_out(title, form, hint, submit_from=[self.phone], submit=self.submit)
        self.phone.setFocus()

    def submit(self) -> None:
        reg_no, operator, raw = self._registration.reg_no, self._operator, self.phone.text()
        self._run(lambda: self._records.update_phone(reg_no, raw, operator))

    def _on_failed(self, exc: Exception) -> None:
        self.phone.setFocus()
        self.phone.selectAll()
