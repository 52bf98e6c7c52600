"""The first hall screen: the centre's name, the time and a notice. The lottery's projection will replace it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Template
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.hall_screen import HallScreen


@dataclass(frozen=True)
class NoticeBoardState:
    centre: str
    notice: str
    now: datetime


class NoticeBoardScreen(HallScreen):
    STYLE = Template("""
QLabel#hallCentre { font-size: ${title_pt}pt; font-weight: bold; color: $header; }
QLabel#hallClock { font-size: ${huge_pt}pt; font-weight: bold; color: $text; }
QLabel#hallDate { color: $hint; }
QLabel#hallNotice { background: $surface; border-left: 12px solid $primary; padding: ${pt}px; }
""")

    def __init__(self, feed: HallFeed[NoticeBoardState], parent: QWidget | None = None):
        super().__init__(feed, parent)
        self.centre = QLabel(objectName="hallCentre", alignment=Qt.AlignmentFlag.AlignCenter)
        self.clock = QLabel(objectName="hallClock", alignment=Qt.AlignmentFlag.AlignCenter)
        self.date = QLabel(objectName="hallDate", alignment=Qt.AlignmentFlag.AlignCenter)
        self.notice = QLabel(objectName="hallNotice", alignment=Qt.AlignmentFlag.AlignCenter)
        for text in (self.centre, self.notice):
            text.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(80, 60, 80, 60)
        column.addWidget(self.centre)
        column.addStretch(1)
        column.addWidget(self.clock)
        column.addWidget(self.date)
        column.addStretch(1)
        column.addWidget(self.notice)
        self.render(feed.current)

    def render(self, state: Any) -> None:
        assert isinstance(state, NoticeBoardState)
        self.centre.setText(state.centre)
        self.clock.setText(f"{state.now:%H:%M}")
        self.date.setText(
            QCoreApplication.translate("NoticeBoardScreen", "{y}-{m:02d}-{d:02d}").format(
                y=state.now.year, m=state.now.month, d=state.now.day
            )
        )
        self.notice.setText(state.notice)
