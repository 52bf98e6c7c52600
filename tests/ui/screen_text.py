"""The words a saved screenshot shows, written beside it as ``NAME.png.txt`` for the privacy scan to read.

The scan (tests/privacy_scan.py) is OCR-free: a PNG's pixels cannot be searched, so each screenshot gets the text
of what was on screen when it was taken. Only what a person could read counts: visible widgets, the rows an item
view shows, what a password field shows (its dots, not its text).
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.privacy_scan import SIDECAR

_MAX_ROWS = 500  # more rows than any screen shows at once; a view that big is a bug of its own


def sidecar(png: Path) -> Path:
    return png.with_name(png.name + SIDECAR.removeprefix(".png"))


def save_text_layer(widget: QWidget, png: Path) -> Path:
    """Write the text ``widget`` (and what it shows of its children) holds beside ``png``."""
    path = sidecar(png)
    path.write_text("\n".join(screen_text(widget)) + "\n", encoding="utf-8")
    return path


def screen_text(widget: QWidget) -> list[str]:
    lines = [widget.windowTitle()] if widget.isWindow() and widget.windowTitle() else []
    for child in [widget, *widget.findChildren(QWidget)]:
        if child is widget or child.isVisibleTo(widget):
            lines.extend(text for text in _texts(child) if text.strip())
    return lines


def _texts(widget: QWidget) -> list[str]:
    if isinstance(widget, QLabel):
        return [widget.text() if widget.textFormat() == Qt.TextFormat.PlainText else _plain(widget.text())]
    if isinstance(widget, QLineEdit):
        return [widget.displayText()]
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return [widget.toPlainText()]
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QComboBox):
        return [widget.currentText()]
    if isinstance(widget, QAbstractItemView) and not isinstance(
        widget, QHeaderView
    ):  # headers: labels, not rows
        return _view_text(widget)
    return []


def _plain(text: str) -> str:
    if not QtGui.Qt.mightBeRichText(text):  # QtGui's Qt namespace: QtCore's lacks it
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _view_text(view: QAbstractItemView) -> list[str]:
    """Every cell of the rows the view has (tree children included); hidden rows and columns left out."""
    model = view.model()
    if model is None:
        return []
    lines: list[str] = []
    pending = [QModelIndex()]
    while pending and len(lines) < _MAX_ROWS:
        parent = pending.pop()
        for row in range(min(model.rowCount(parent), _MAX_ROWS)):
            if _row_hidden(view, row, parent):
                continue
            cells = []
            for column in range(model.columnCount(parent)):
                if _column_hidden(view, column):
                    continue
                index = model.index(row, column, parent)
                value = model.data(index, Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    cells.append(str(value))
                if (
                    column == 0 and model.rowCount(index) > 0
                ):  # a tree's children (hasChildren is private in some)
                    pending.append(index)
            lines.append(" | ".join(cells))
    return lines


def _row_hidden(view: QAbstractItemView, row: int, parent: QModelIndex) -> bool:
    is_hidden = getattr(view, "isRowHidden", None)
    if is_hidden is None:
        return False
    try:
        return bool(is_hidden(row, parent))  # QTreeView, QTableView takes (row) only
    except TypeError:
        return bool(is_hidden(row))


def _column_hidden(view: QAbstractItemView, column: int) -> bool:
    is_hidden = getattr(view, "isColumnHidden", None)
    return bool(is_hidden(column)) if is_hidden is not None else False
