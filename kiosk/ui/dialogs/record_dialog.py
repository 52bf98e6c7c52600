"""What the Records dialogs share: one registration, the service that changes it, and a guard against double presses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from kiosk.services.records import RecordsService
    from kiosk.services.views import OperatorSession, RegistrationView


class RecordDialog(QDialog):
    """``result_view`` holds the registration as the service returned it once the change is done."""

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
