"""The console's last step: publish the checked result (counters and the public see it), or retract it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.services.draw_views import DrawView, PublicListRow
from kiosk.ui.lottery.formats import facts, grouped
from kiosk.ui.lottery.retract_dialog import RetractDialog
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep
from kiosk_core.lottery import DrawResult


class PublishScreen(ConsoleStep):
    retracted = Signal()

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.title.setText(self.tr("Publish the result"))
        self.facts = QLabel(objectName="publishFacts", wordWrap=True)
        self.result = QLabel(objectName="publishResult", wordWrap=True)
        self.public = QLabel(objectName="publicRecord", wordWrap=True)
        self.public.setProperty("kind", "notice")
        self.retract = QPushButton(self.tr("Retract this draw…"))
        self.retract.setObjectName("retractDraw")
        self.retract.setProperty("kind", "danger")
        self.retract.clicked.connect(self._retract)
        # The notice board's copy and the spreadsheet, masked, once the result is public.
        self.list_pdf = QPushButton(self.tr("Public list (PDF)"))
        self.list_pdf.setObjectName("publicListPdf")
        self.list_pdf.clicked.connect(lambda: self._export(self.state.draws.public_list_pdf))
        self.list_csv = QPushButton(self.tr("Public list (CSV)"))
        self.list_csv.setObjectName("publicListCsv")
        self.list_csv.clicked.connect(lambda: self._export(self.state.draws.public_list_csv))
        self.body.addWidget(self.facts)
        self.body.addWidget(self.result)
        self.body.addWidget(self.public)
        self.body.addStretch(1)
        self.actions.insertWidget(0, self.retract)
        self.actions.insertWidget(2, self.list_pdf)
        self.actions.insertWidget(3, self.list_csv)
        self.primary.setText(self.tr("Publish ›"))

    def enter(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        self._render(draw)
        if draw.state == "published" and self.state.checked != draw.draw_id:
            self._check_again(draw)  # opened from the plan list: the hall shows it only once checked here

    def primary_enabled(self) -> bool:
        draw = self.state.draw
        return draw is not None and draw.state == "drawn" and self.state.checked == draw.draw_id

    def go_on(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        draws, operator, draw_id = self.state.draws, self.state.signed_in(), draw.draw_id
        self.say(self.tr("Publishing at the centre…"))
        self.run_network(lambda: draws.publish(operator, draw_id), self._published, lambda _e: self.say(""))

    def _published(self, draw: DrawView) -> None:
        self.say(self.tr("Published: counters show each household's result after their next sync"))
        self.state.set_draw(draw)
        self._render(draw)
        self.list_pdf.setFocus()  # the next thing to do; the hidden button would hand Enter to Retract

    def _render(self, draw: DrawView) -> None:
        self.facts.setText(facts(draw))
        self.result.setText(
            self.tr("Result SHA-256 {hash}").format(hash=grouped(draw.result_hash))
            if draw.result_hash
            else ""
        )
        self.public.setText(
            self.tr("Public record: {url}").format(url=draw.public_url)
            if draw.state == "published" and draw.public_url
            else ""
        )
        self.public.setVisible(bool(self.public.text()))
        self.retract.setVisible(draw.state in ("drawn", "published"))
        for button in (self.list_pdf, self.list_csv):
            button.setVisible(draw.state == "published")
        self.primary.setVisible(draw.state == "drawn")
        self.refresh_primary()

    def _export(self, make: Callable[[int], Path]) -> None:
        draw = self.state.draw
        if draw is None:
            return
        draw_id = draw.draw_id
        self.run_network(
            lambda: make(draw_id), lambda path: self.say(self.tr("Saved: {path}").format(path=path))
        )

    def _check_again(self, draw: DrawView) -> None:
        draws = self.state.draws

        def check() -> tuple[DrawResult, list[PublicListRow]]:
            return draws.check(draw), draws.public_rows(draw)

        def checked(found: tuple[DrawResult, list[PublicListRow]]) -> None:
            self.state.projection.show_result(draw, *found)
            self.state.projection.reveal_all()
            self.state.checked = draw.draw_id

        self.run_network(check, checked, lambda _e: self.state.projection.halt())

    def _retract(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        retracted = RetractDialog.ask(self, self.state, draw)
        if retracted is not None:
            self.state.retracted(retracted)
            self.retracted.emit()
