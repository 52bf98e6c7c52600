"""A supervisor's export of registrations: plan, day, counter, CSV or Excel, masked or full; the saved path shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.exports import ExportFormat, ExportRequest
from kiosk.ui import messages
from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import run_in_background

if TYPE_CHECKING:
    from kiosk.services.exports import Exported, ExportService, PlanChoice
    from kiosk.services.views import OperatorSession


class ExportDialog(QDialog):
    """Everything is a combo box, a check box or a button: Tab moves, Space ticks, Enter exports."""

    def __init__(self, exports: ExportService, operator: OperatorSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(True)
        self.setWindowTitle(self.tr("Export registrations"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 34)
        self._exports = exports
        self._operator = operator
        self._busy = False
        self.last: Exported | None = None

        self.plan = QComboBox()
        self.plan.setObjectName("exportPlan")
        self.plan.addItem(self.tr("All plans"), None)
        self.one_day = QCheckBox(self.tr("Only one day"))
        self.one_day.setObjectName("exportOneDay")
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("exportDay")
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setEnabled(False)
        self.counter = QComboBox()
        self.counter.setObjectName("exportCounter")
        self.counter.addItem(self.tr("All counters"), None)
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        self.format.addItem(self.tr("Excel (XLSX)"), "xlsx")
        self.format.addItem(self.tr("CSV (UTF-8)"), "csv")
        self.full = QCheckBox(self.tr("Full personal data (names, ID numbers and phones unmasked)"))
        self.full.setObjectName("exportFull")
        self.saved = QLabel()
        self.saved.setObjectName("exportSaved")
        self.saved.setWordWrap(True)
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_kind(self.saved, "notice")
        self.saved.hide()
        self.error = InlineError()
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("exportClose")
        self.close_button.setAutoDefault(False)
        self.export = QPushButton(self.tr("Export"))
        self.export.setObjectName("exportRun")
        set_kind(self.export, "primary")
        self.export.setDefault(True)  # Enter anywhere in the dialog exports

        day_row = QHBoxLayout()
        day_row.addWidget(self.one_day)
        day_row.addWidget(self.day, 1)
        form = QFormLayout()
        form.addRow(self.tr("Plan"), self.plan)
        form.addRow(self.tr("Day"), day_row)
        form.addRow(self.tr("Counter"), self.counter)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Personal data"), self.full)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export)
        column = QVBoxLayout(self)
        column.setSpacing(16)
        column.addLayout(form)
        column.addWidget(self.saved)
        column.addWidget(self.error)
        column.addLayout(buttons)

        self.one_day.toggled.connect(self.day.setEnabled)
        self.close_button.clicked.connect(self.reject)
        self.export.clicked.connect(self.run)
        self.plan.setFocus()
        self.export.setEnabled(False)  # until the plans are read
        run_in_background(self, lambda: (exports.plans(), exports.counters()), self._choices, self._failed)

    def run(self) -> None:
        if self._busy or not self.export.isEnabled():
            return
        request = ExportRequest(
            ExportFormat(self.format.currentData()),
            plan_id=self.plan.currentData(),
            day=self.day.date().toPython() if self.one_day.isChecked() else None,  # type: ignore[arg-type]
            counter=self.counter.currentData(),
            full=self.full.isChecked(),
        )
        exports, operator = self._exports, self._operator
        self._set_busy(True)
        self.error.clear()
        run_in_background(self, lambda: exports.export(request, operator), self._done, self._failed)

    def reject(self) -> None:
        if not self._busy:  # the export's answer, or its refusal, is always seen
            super().reject()

    def _choices(self, found: tuple[list[PlanChoice], list[str]]) -> None:
        plans, counters = found
        for plan in plans:
            self.plan.addItem(f"{plan.code} {plan.name}", plan.id)
        for counter in counters:
            self.counter.addItem(self.tr("Counter {counter}").format(counter=counter), counter)
        self.export.setEnabled(True)

    def _done(self, exported: Exported) -> None:
        self._set_busy(False)
        self.last = exported
        kind = self.tr("full personal data") if exported.full else self.tr("personal data masked")
        text = self.tr("{n} registration(s) exported ({kind}), saved to:\n{path}").format(
            n=exported.rows, kind=kind, path=str(exported.path)
        )
        # The counter keeps no export: the supervisor is told to take it away before the daily purge deletes it.
        if exported.keep_days:
            kept = self.tr("The file is deleted from this computer after {days} day(s): copy it before then.")
        else:
            kept = self.tr("The file is deleted from this computer at the next daily clean-up: copy it now.")
        text += "\n" + kept.format(days=exported.keep_days)
        self.saved.setText(text)
        self.saved.show()
        messages.show(messages.Level.SUCCESS, text)
        self.close_button.setFocus()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.error.show_error(exc)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.export.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
