"""What the result look-ups share (the draw's, the selection's): a read-only results table and the page's layout —
title and back on top, the search row, messages, the table, the chosen row's detail, the print button."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


def results_table(labels: Sequence[str], object_name: str) -> QTableWidget:
    """One row per household found, chosen whole, never edited; rows as tall as their wrapped words."""
    table = QTableWidget(0, len(labels))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(list(labels))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def lay_out(
    page: QWidget,
    title: QLabel,
    back: QPushButton,
    search: Sequence[QWidget],  # the query (stretched) and its button
    messages: Sequence[QWidget],  # above the table: errors, notes
    table: QTableWidget,
    detail: QLabel,
    action: QPushButton,
) -> None:
    top = QHBoxLayout()
    top.addWidget(title, 1)
    top.addWidget(back)
    search_row = QHBoxLayout()
    for k, widget in enumerate(search):
        search_row.addWidget(widget, 1 if k == 0 else 0)
    actions = QHBoxLayout()
    actions.addStretch(1)
    actions.addWidget(action)
    column = QVBoxLayout(page)
    column.setSpacing(12)
    column.addLayout(top)
    column.addLayout(search_row)
    for widget in messages:
        column.addWidget(widget)
    column.addWidget(table, 1)
    column.addWidget(detail)
    column.addLayout(actions)
