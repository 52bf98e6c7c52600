"""The console's draw: run once at the centre, then recomputed here; the hall sees a result only if both agree."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.services.draw_views import DrawMismatch, DrawView, PublicListRow
from kiosk.services.projection import source_values
from kiosk.ui.lottery.formats import facts
from kiosk.ui.lottery.retract_dialog import RetractDialog
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep
from kiosk.ui.workers import Lane, run_in_background
from kiosk_core.lottery import DrawResult


class DrawScreen(ConsoleStep):
    """Draw (committed) or, for a draw already run, check: the local computation must match the centre's."""

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.title.setText(self.tr("Draw"))
        self.facts = QLabel(objectName="drawFacts", wordWrap=True)
        self.sources = QLabel(objectName="drawSources", wordWrap=True)
        self.explain = QLabel(
            self.tr(
                "The centre draws once. This counter then computes the same draw from the frozen list and the "
                "sources; the hall sees the result only if both agree."
            ),
            wordWrap=True,
        )
        self.explain.setProperty("kind", "hint")
        self.retract = QPushButton(self.tr("Retract this draw…"))
        self.retract.setObjectName("retractDraw")
        self.retract.setProperty("kind", "danger")
        self.retract.clicked.connect(self._retract)
        self.body.addWidget(self.facts)
        self.body.addWidget(self.sources)
        self.body.addWidget(self.explain)
        self.body.addStretch(1)
        self.actions.insertWidget(0, self.retract)

    def enter(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        self.facts.setText(facts(draw))
        values = source_values(draw.sources_text)
        self.sources.setText(
            "\n".join(
                self.tr("Source: {label}: {value}").format(
                    label=spec.label, value=values.get(spec.label, "—")
                )
                for spec in draw.source_specs
            )
        )
        self.primary.setText(
            self.tr("Draw now ›") if draw.state == "committed" else self.tr("Check the result ›")
        )
        self.retract.setVisible(draw.state == "drawn")

    def go_on(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        draws, operator, draw_id = self.state.draws, self.state.signed_in(), draw.draw_id
        if draw.state == "committed":
            self.say(self.tr("Drawing at the centre…"))
            self.run_network(
                lambda: draws.run(operator, draw_id), self._drawn, lambda _e: self._ask_again(draw_id)
            )
        else:
            self._check(draw)

    def _drawn(self, draw: DrawView) -> None:
        self.state.set_draw(draw)
        self.enter()
        self._check(draw)

    def _ask_again(self, draw_id: int) -> None:
        """The run's answer did not come (the network dropped, or the draw had run already): the centre's record
        says whether it ran; if it did, it is checked here as if the answer had come."""
        self.say("")
        draws, generation = self.state.draws, self.state.generation

        def read() -> DrawView:
            return draws.record(draw_id)

        def found(draw: DrawView) -> None:
            if generation == self.state.generation and draw.state == "drawn":
                self.error.clear()
                self._drawn(draw)

        run_in_background(self, read, found, lambda _exc: None, lane=Lane.NETWORK)  # the error stays shown

    def _check(self, draw: DrawView) -> None:
        draws = self.state.draws

        def check() -> tuple[DrawResult, list[PublicListRow]]:
            return draws.check(draw), draws.public_rows(draw)

        self.say(self.tr("Computing the draw on this counter and comparing…"))
        self.run_network(check, lambda found: self._checked(draw, *found), self._mismatch)

    def _checked(self, draw: DrawView, result: DrawResult, rows: list[PublicListRow]) -> None:
        self.say("")
        try:
            self.state.projection.show_result(draw, result, rows)
        except Exception as exc:  # the same check again on what the hall is given: show nothing on failure
            self._mismatch(exc)
            self.error.show_error(exc)
            return
        self.state.checked = draw.draw_id
        self.moved_on.emit()

    def _mismatch(self, exc: Exception) -> None:
        self.say("")
        if isinstance(exc, DrawMismatch):
            self.state.projection.halt()
            self.retract.setVisible(True)

    def _retract(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        retracted = RetractDialog.ask(self, self.state, draw)
        if retracted is not None:
            self.state.retracted(retracted)
            self.moved_on.emit()
