"""The console's sources: each value typed by two people, compared here; a difference is shown and nothing sent."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from kiosk.services.draw_check import check_twice
from kiosk.services.draw_views import DrawView, SourceSpec, SourceValue
from kiosk.ui import theme
from kiosk.ui.lottery.formats import facts
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep
from kiosk_core import lottery
from kiosk_core.errors import KioskError


class SourcesScreen(ConsoleStep):
    """Two fields a source: the first person's entry is hidden once they leave it, so the second types blind."""

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.title.setText(self.tr("Enter the sources twice"))
        self.facts = QLabel(objectName="sourcesFacts", wordWrap=True)
        self.hint = QLabel(
            self.tr("Two people type each value, one after the other; the first entry is hidden once typed."),
            wordWrap=True,
        )
        self.hint.setProperty("kind", "hint")
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.grid.addWidget(QLabel(self.tr("Source")), 0, 0)
        self.grid.addWidget(QLabel(self.tr("First person")), 0, 1)
        self.grid.addWidget(QLabel(self.tr("Second person")), 0, 2)
        self.specs: list[SourceSpec] = []
        self.firsts: list[QLineEdit] = []
        self.seconds: list[QLineEdit] = []
        self._made: list[QWidget] = []
        self.count = QLabel(objectName="sourcesCount", wordWrap=True)
        self.body.addWidget(self.facts)
        self.body.addWidget(self.hint)
        self.body.addLayout(self.grid)
        self.body.addWidget(self.count)
        self.body.addStretch(1)
        self.primary.setText(self.tr("Compare and commit ›"))
        self.setStyleSheet(f'QLineEdit[differs="true"] {{ border: 3px solid {theme.colors()["error"]}; }}')

    def enter(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        self.facts.setText(facts(draw))
        self.error.clear()
        if self.specs == list(draw.source_specs):
            return  # back on the same draw: what was typed stays
        for widget in self._made:
            widget.setParent(None)
            widget.deleteLater()
        self._made, self.firsts, self.seconds = [], [], []
        self.specs = list(draw.source_specs)
        for row, spec in enumerate(self.specs, 1):
            name = QLabel(f"{spec.label}\n（{spec.kind_label}）", wordWrap=True)
            first, second = self._field(f"sourceFirst{row}"), self._field(f"sourceSecond{row}")
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(first, row, 1)
            self.grid.addWidget(second, row, 2)
            self._made += [name, first, second]
            self.firsts.append(first)
            self.seconds.append(second)
        # Enter walks the first person's fields, then the second's: each types all of theirs in one go.
        self.fields = self.firsts + self.seconds
        self._typed()

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit(objectName=name)
        field.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        field.textChanged.connect(self._typed)
        return field

    def _typed(self) -> None:
        """How many digits the first person's entries hold, and how many the draw still needs."""
        bits = 0.0
        for spec, first in zip(self.specs, self.firsts, strict=True):
            digits = sum(c.isdigit() for c in first.text())
            bits += digits * lottery.DIGIT_BITS if spec.kind == "digits" else spec.bits
        missing = lottery.missing_digits(bits)
        self.count.setText(
            self.tr("About {bits:.1f} bits entered; {n} more digit(s) needed").format(bits=bits, n=missing)
            if missing
            else self.tr("About {bits:.1f} bits entered (the draw needs {min})").format(
                bits=bits, min=lottery.MIN_BITS
            )
        )

    def values(self, fields: list[QLineEdit]) -> list[SourceValue]:
        return [SourceValue(s.label, f.text()) for s, f in zip(self.specs, fields, strict=True)]

    def go_on(self) -> None:
        draw = self.state.draw
        if draw is None:
            return
        for field in self.fields:
            field.setProperty("differs", False)
        try:
            values = check_twice(self.values(self.firsts), self.values(self.seconds))
            lottery.check_entropy(
                [self._source(spec, v.value) for spec, v in zip(self.specs, values, strict=True)]
            )
        except KioskError as exc:  # said here, before anything is sent
            self._mark(getattr(exc, "labels", ()))
            self.error.show_error(exc)
            return
        draws, operator, draw_id = self.state.draws, self.state.signed_in(), draw.draw_id
        self.say(self.tr("Committing the sources at the centre…"))
        self.run_network(
            lambda: draws.commit_sources(operator, draw_id, values), self._committed, lambda _e: self.say("")
        )

    @staticmethod
    def _source(spec: SourceSpec, value: str) -> lottery.Source:
        if spec.kind == "digits":
            return lottery.digits_source(spec.label, value)
        return lottery.public_source(spec.label, value, spec.bits)

    def _mark(self, labels: tuple[str, ...]) -> None:
        for spec, first, second in zip(self.specs, self.firsts, self.seconds, strict=True):
            differs = spec.label in labels
            for field in (first, second):
                field.setProperty("differs", differs)
                field.style().unpolish(field)
                field.style().polish(field)
            if differs:  # both type it again, after checking the balls or the published numbers
                first.clear()
                second.clear()
        wrong = [f for f, spec in zip(self.firsts, self.specs, strict=True) if spec.label in labels]
        (wrong[0] if wrong else self.first_focus()).setFocus()

    def _committed(self, draw: DrawView) -> None:
        self.say("")
        self.state.set_draw(draw)
        self.state.projection.show_draw(draw)
        self.moved_on.emit()
