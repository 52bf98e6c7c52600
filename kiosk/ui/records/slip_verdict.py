"""Records' answer to a scanned slip: genuine, cancelled, turned down, unknown or not genuine, coloured by level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from kiosk.services.views import Verdict

if TYPE_CHECKING:
    from kiosk.services.views import SlipCheck

_VERDICT_LEVELS = {
    Verdict.GENUINE: "success",
    Verdict.CANCELLED: "warning",
    Verdict.TURNED_DOWN: "warning",
    Verdict.NOT_FOUND: "warning",
    Verdict.NOT_GENUINE: "error",
}


class SlipVerdict(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("slipVerdict")
        self.setWordWrap(True)
        self.hide()

    def show_check(self, check: SlipCheck | None) -> None:
        """The check's answer, or nothing (hidden) for None."""
        if check is None:
            self.clear()
            self.hide()
            return
        lines = [self.tr("Slip check: {verdict}").format(verdict=check.label), check.message]
        if check.hint:
            lines.append(f"→ {check.hint}")
        self.setText("\n".join(lines))
        self.setProperty("level", _VERDICT_LEVELS[check.verdict])
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
