"""Cancelling a registration at the counter: a coded reason and a supervisor's name and password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.records.dialogs.record_dialog import RecordDialog
from kiosk.ui.theme import set_kind
from kiosk_core.model import CANCEL_REASON_LABELS, CancelReason

if TYPE_CHECKING:
    from kiosk.services.records import RecordsService
    from kiosk.services.views import OperatorSession, RegistrationView


class CancelDialog(RecordDialog):
    """Calls RecordsService.cancel itself, so a wrong supervisor password can be retyped without starting over."""

    def __init__(
        self,
        records: RecordsService,
        registration: RegistrationView,
        operator: OperatorSession,
        parent: QWidget | None = None,
    ):
        super().__init__(records, registration, operator, parent)
        self.setWindowTitle(self.tr("Cancel registration"))

        title = QLabel(self.tr("Cancel registration {reg_no}").format(reg_no=registration.reg_no))
        set_kind(title, "subtitle")
        what = QLabel(
            self.tr("{plan} · {project} {unit_type} {unit}\nCancellation possible until {deadline}").format(
                plan=registration.plan_name,
                project=registration.project_name,
                unit_type=registration.unit_type_name,
                unit=registration.unit_label,
                deadline=f"{registration.cancel_deadline:%Y-%m-%d %H:%M}",
            )
        )
        what.setWordWrap(True)
        set_kind(what, "notice")

        self.reasons = QButtonGroup(self)
        reason_column = QVBoxLayout()
        reason_column.setSpacing(0)
        for reason, label in CANCEL_REASON_LABELS.items():
            button = QRadioButton(label)
            button.setObjectName(f"reason_{reason.value}")
            button.setProperty("reason", reason.value)
            self.reasons.addButton(button)
            reason_column.addWidget(button)
        self.comment = QLineEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText(self.tr("Required when the reason is “Other”"))
        self.supervisor, self.password = self._supervisor_fields()
        self.error.setObjectName("cancelError")
        self.confirm.setText(self.tr("Cancel this registration"))
        self.confirm.setObjectName("confirmCancel")
        set_kind(self.confirm, "danger")

        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow(self.tr("Reason"), reason_column)
        form.addRow(self.tr("Details"), self.comment)
        form.addRow(self.tr("Supervisor"), self.supervisor)
        form.addRow(self.tr("Password"), self.password)
        self._lay_out(title, what, form, submit_from=[self.password], submit=self.submit)

    def choose(self, reason: CancelReason) -> None:
        for button in self.reasons.buttons():
            button.setChecked(button.property("reason") == reason.value)

    def chosen(self) -> CancelReason | None:
        button = self.reasons.checkedButton()
        return CancelReason(button.property("reason")) if button else None

    def submit(self) -> None:
        reason = self.chosen()
        if reason is None:
            self.error.show_text(self.tr("Please choose a reason for cancelling."))
            return
        reg_no, operator = self._registration.reg_no, self._operator
        comment, username, password = self.comment.text(), self.supervisor.text(), self.password.text()
        self._run(lambda: self._records.cancel(reg_no, reason, comment, operator, username, password))

    def _on_failed(self, exc: Exception) -> None:
        self.password.clear()
        if getattr(exc, "code", "") == "cancel_comment_missing":
            self.comment.setFocus()
        else:
            self.supervisor.setFocus()
