"""Changing a household's contact phone: the applicant's ID number typed again, or a supervisor's approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QStackedWidget,
    QWidget,
)

from kiosk.services.views import ApplicantId, PhoneConfirmation, SupervisorApproval
from kiosk.ui.masked_edit import MaskedNumberEdit
from kiosk.ui.records.dialogs.record_dialog import RecordDialog
from kiosk.ui.theme import set_kind

if TYPE_CHECKING:
    from kiosk.services.records import RecordsService
    from kiosk.services.views import OperatorSession, RegistrationView

_ID_REFUSALS = ("phone_id_mismatch", "phone_id_not_applicant")


class PhoneDialog(RecordDialog):
    """The service accepts full-width digits, spaces and dashes in both numbers."""

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
        # Both numbers show masked once the clerk moves on from them; the service gets them whole.
        self.phone = MaskedNumberEdit("phone", objectName="phone")
        self.phone.setPlaceholderText(self.tr("Mobile: 11 digits; landline with area code"))

        self.by_id = QRadioButton(self.tr("Applicant's ID number"))
        self.by_id.setObjectName("confirmById")
        self.by_supervisor = QRadioButton(self.tr("Supervisor's approval"))
        self.by_supervisor.setObjectName("confirmBySupervisor")
        ways = QButtonGroup(self)
        ways.addButton(self.by_id)
        ways.addButton(self.by_supervisor)
        self.by_id.setChecked(True)
        way_row = QHBoxLayout()
        way_row.addWidget(self.by_id)
        way_row.addWidget(self.by_supervisor)
        way_row.addStretch(1)

        self.id_number = MaskedNumberEdit("id", objectName="applicantId")
        self.id_number.setPlaceholderText(self.tr("The applicant's resident ID number, typed again"))
        self.supervisor, self.password = self._supervisor_fields()
        id_page = QWidget()
        id_form = QFormLayout(id_page)
        id_form.setContentsMargins(0, 0, 0, 0)
        id_form.addRow(self.tr("Resident ID"), self.id_number)
        supervisor_page = QWidget()
        supervisor_form = QFormLayout(supervisor_page)
        supervisor_form.setContentsMargins(0, 0, 0, 0)
        supervisor_form.setVerticalSpacing(12)
        supervisor_form.addRow(self.tr("Supervisor"), self.supervisor)
        supervisor_form.addRow(self.tr("Password"), self.password)
        self.proof = QStackedWidget()
        self.proof.addWidget(id_page)
        self.proof.addWidget(supervisor_page)
        self.by_supervisor.toggled.connect(self._on_way_toggled)

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
        form.addRow(self.tr("Confirmed by"), way_row)
        self._lay_out(
            title, form, self.proof, hint, submit_from=[self.id_number, self.password], submit=self.submit
        )
        self.phone.setFocus()

    def confirmation(self) -> PhoneConfirmation:
        if self.by_supervisor.isChecked():
            return SupervisorApproval(self.supervisor.text(), self.password.text())
        return ApplicantId(self.id_number.number())

    def submit(self) -> None:
        reg_no, operator, raw, confirmation = (
            self._registration.reg_no,
            self._operator,
            self.phone.number(),
            self.confirmation(),
        )
        self._run(lambda: self._records.update_phone(reg_no, raw, operator, confirmation))

    def _on_way_toggled(self, by_supervisor: bool) -> None:
        self.proof.setCurrentIndex(1 if by_supervisor else 0)
        (self.supervisor if by_supervisor else self.id_number).setFocus()

    def _on_failed(self, exc: Exception) -> None:
        code = str(getattr(exc, "code", ""))
        if code in _ID_REFUSALS or code.startswith("id_"):
            # A malformed number stays as typed, so staff can compare it with the card character by character. A
            # well-formed one that does not match is shown masked (most likely another card: the check digit
            # catches a typo); typing goes on to enter the number again.
            self.id_number.conceal()
            self.id_number.setFocus()
            self.id_number.deselect()
            self.id_number.end(False)
        elif code.startswith("phone_"):
            self.phone.setFocus()
            self.phone.selectAll()
        else:  # the supervisor's name or password
            self.password.clear()
            self.supervisor.setFocus()
