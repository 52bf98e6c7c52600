"""Is the keyboard focus visible? The focused widget must look clearly different from the same widget unfocused."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget


def _pixels(widget: QWidget) -> QImage:
    for _ in range(3):  # a choice just made may still be laying the card out again
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def changed_pixels(widget: QWidget) -> int:
    """How many of the widget's pixels the focus changes (the widget keeps the focus afterwards)."""
    assert widget.hasFocus(), f"{widget.objectName() or widget} does not have the focus"
    for _ in range(10):  # until the layout has settled: both pictures of the same size
        focused = _pixels(widget)
        widget.clearFocus()
        plain = _pixels(widget)
        widget.setFocus()
        if focused.size() == plain.size():
            break
    assert focused.size() == plain.size(), f"{widget.objectName() or widget} keeps changing size"
    a = memoryview(focused.constBits()).cast("I")
    b = memoryview(plain.constBits()).cast("I")
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def assert_focus_visible(widget: QWidget) -> None:
    """At least a 2-pixel ring around the widget (or as many pixels elsewhere) changes with the focus."""
    ring = 2 * 2 * (widget.width() + widget.height())
    changed = changed_pixels(widget)
    assert changed >= ring, f"focus on {widget.objectName() or widget} hardly shows: {changed} pixels change"
