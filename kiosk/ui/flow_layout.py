"""A layout that fills a line and wraps to the next, so a row of parts never pushes the window wider (A+)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Items left to right at their preferred size, wrapping when the line is full.

    ``uniform``: every item as wide as the widest, so wrapped items line up in columns (a responsive grid).
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 12, uniform: bool = False):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._uniform = uniform
        self.setSpacing(spacing)
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def invalidate(self) -> None:
        super().invalidate()
        # An item grew (a label got its text): the layouts above must ask again how wide this one has to be.
        widget = self.parentWidget()
        if widget is not None:
            widget.updateGeometry()

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All on one line."""
        shown = self._shown()
        width = sum(self._width(i) for i in shown) + self.spacing() * max(0, len(shown) - 1)
        height = max((i.sizeHint().height() for i in shown), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """One item a line: as narrow as the widest item."""
        shown = self._shown()
        width = max(
            (max(i.minimumSize().width(), self._width(i) if self._uniform else 0) for i in shown), default=0
        )
        height = max((i.minimumSize().height() for i in shown), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _width(self, item: QLayoutItem) -> int:
        if self._uniform:
            return max(_natural_width(i) for i in self._shown())
        return _natural_width(item)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list[tuple[QLayoutItem, int, int]]] = [[]]
        x = area.x()
        for item in self._shown():
            width = min(self._width(item), area.width())
            height = item.heightForWidth(width) if item.hasHeightForWidth() else item.sizeHint().height()
            if lines[-1] and x + width > area.right() + 1:
                lines.append([])
                x = area.x()
            lines[-1].append((item, width, height))
            x += width + self.spacing()
        y = area.y()
        for line in lines:
            line_height = max((h for _, _, h in line), default=0)
            x = area.x()
            for item, width, height in line:
                if move:  # centred on the line: a label beside a taller button reads as one row
                    item.setGeometry(QRect(QPoint(x, y + (line_height - height) // 2), QSize(width, height)))
                x += width + self.spacing()
            y += line_height + self.spacing()
        return max(0, y - self.spacing()) - rect.y() + m.bottom()


def _natural_width(item: QLayoutItem) -> int:
    """How wide the item is on one line. A wrapping label's size hint is Qt's guess at a wrapped shape (a few
    hundred pixels whatever the room): on one line it needs its whole text, and wraps only when the line is full."""
    label = item.widget()
    if isinstance(label, QLabel) and label.wordWrap() and label.text():
        m = label.contentsMargins()
        text = max(label.text().splitlines() or [""], key=label.fontMetrics().horizontalAdvance)
        return label.fontMetrics().horizontalAdvance(text) + m.left() + m.right() + 2 * label.margin() + 1
    return item.sizeHint().width()
