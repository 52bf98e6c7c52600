"""The wish list's two tables (the free units, the ordered list): how they are built, and a unit kept selected
while their rows are shown again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def unit_table(columns: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns), objectName=name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the next action
    # Three rows at least, whatever the text size: the shell's page scrolls rather than squash the lists.
    rows = table.fontMetrics().height() + 12
    table.setMinimumHeight(4 * rows)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    # Sized to the contents (never an elided unit); at the largest text size the table scrolls sideways.
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def selected_code(table: QTableWidget, rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The unit code of the selected row, ``rows`` being what the table shows."""
    selected = table.selectionModel().selectedRows()
    if not selected or selected[0].row() >= len(rows):
        return None
    return str(rows[selected[0].row()].get("unit_code"))


def reselect(table: QTableWidget, rows: Sequence[Mapping[str, Any]], code: str | None) -> None:
    """Select the row of unit ``code`` if it is among ``rows``, else the first row."""
    codes = [str(r.get("unit_code")) for r in rows]
    if code in codes:
        table.selectRow(codes.index(code))
    elif rows:
        table.selectRow(0)
