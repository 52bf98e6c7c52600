"""Records' table of registrations: one row each, with plan, unit, status (the centre's word too), slip and review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

if TYPE_CHECKING:
    from kiosk.services.views import RegistrationView


class RegistrationTable(QTableWidget):
    COLUMNS = 7

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, self.COLUMNS, parent)
        self._views: list[RegistrationView] = []
        self.setObjectName("recordsTable")
        self.setHorizontalHeaderLabels(
            [
                self.tr("Registration no."),
                self.tr("Plan"),
                self.tr("Project / unit type / unit"),
                self.tr("Status"),
                self.tr("Registered at"),
                self.tr("Slip"),
                self.tr("Review"),
            ]
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The long texts share what the short columns leave and wrap there: a plan's full name sized to its
        # contents left the choice and the status a character wide (待中心确认 stood one character a line).
        for column in (1, 2, 3):  # plan; project / unit type / unit; status (a turned-down reason)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def selected(self) -> RegistrationView | None:
        rows = self.selectionModel().selectedRows()
        return self._views[rows[0].row()] if rows else None

    def show_views(self, views: Sequence[RegistrationView]) -> None:
        """A row each; the registration selected before stays selected if it is still there, else the first."""
        previous = self.selected()
        self._views = list(views)
        self.setRowCount(len(views))
        for row, view in enumerate(views):
            self._fill(row, view)
        if views:
            keep = [i for i, v in enumerate(views) if previous and v.reg_no == previous.reg_no]
            self.selectRow(keep[0] if keep else 0)

    def replace(self, view: RegistrationView) -> None:
        """The row of ``view``'s registration shows it as it is now."""
        for row, old in enumerate(self._views):
            if old.reg_no == view.reg_no:
                self._views[row] = view
                self._fill(row, view)

    def _fill(self, row: int, v: RegistrationView) -> None:
        place = "\n".join(x for x in (v.project_name, v.unit_type_name, v.unit_label) if x)
        status = "\n".join(x for x in (v.status_label, v.cancel_reason_label, self._central(v)) if x)
        review = v.review_status or self.tr("Not reviewed yet")
        if v.reject_reason:
            review = f"{review}\n{v.reject_reason}"
        cells = (
            v.reg_no,
            f"{v.plan_name}\n{v.plan_kind_label}",
            place,
            status,
            f"{v.created_at:%Y-%m-%d %H:%M}" if v.created_at else "",
            self.tr("Printed") if v.slip_printed else self.tr("Not printed"),
            review,
        )
        for column, text in enumerate(cells):
            self.setItem(row, column, QTableWidgetItem(text))
        self.resizeRowToContents(row)

    def _central(self, v: RegistrationView) -> str:
        if v.central_status in ("rejected", "change_refused"):
            return v.central_message
        if v.status != "active":
            return ""
        if v.provisional:  # a real-time unit not confirmed yet: staff may have to call the household back
            return self.tr("Awaiting the centre's confirmation")
        return self.tr("At the centre") if v.central_status == "accepted" else self.tr("Not yet sent")
