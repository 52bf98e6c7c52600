"""The console's freeze: the plan's pools, the counters still holding registrations, and the sources committed to."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from kiosk.services.draw_views import DrawView, SourceSpec
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep
from kiosk_core import lottery

DEFAULT_DIGITS = 40  # 132.9 bits: the 128 the draw needs, and a few to spare


class FreezeScreen(ConsoleStep):
    """Fix the entry list and name the sources (their values come on the day); refused below 128 bits."""

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.title.setText(self.tr("Freeze the entry list"))
        self.plan = QLabel(objectName="freezePlan", wordWrap=True)
        self.unsent = QLabel(objectName="freezeUnsent", wordWrap=True)
        self.unsent.setProperty("kind", "error")
        self.digits_label = QLineEdit(self.tr("Digits drawn on site by the notary"))
        self.digits_label.setObjectName("digitsLabel")
        self.digits = QSpinBox(objectName="digitsCount", minimum=0, maximum=200, value=DEFAULT_DIGITS)
        self.digits.setSuffix(self.tr(" digits"))
        self.public_label = QLineEdit(objectName="publicLabel")
        self.public_label.setPlaceholderText(
            self.tr("Optional: e.g. a welfare lottery's draw of a named date")
        )
        self.public_bits = QSpinBox(objectName="publicBits", minimum=0, maximum=256, value=0)
        self.public_bits.setSuffix(self.tr(" bits declared"))
        self.bits = QLabel(objectName="freezeBits", wordWrap=True)
        self.force = QCheckBox(self.tr("Freeze anyway (the registrations not yet sent stay off the list)"))
        self.force.setObjectName("forceFreeze")
        form = QFormLayout()
        form.addRow(self.tr("On-site digits"), self.digits_label)
        form.addRow(self.tr("How many digits"), self.digits)
        form.addRow(self.tr("Public result"), self.public_label)
        form.addRow(self.tr("Its entropy"), self.public_bits)
        self.body.addWidget(self.plan)
        self.body.addWidget(self.unsent)
        self.body.addLayout(form)
        self.body.addWidget(self.bits)
        self.body.addWidget(self.force)
        self.body.addStretch(1)
        self.fields = [self.digits_label, self.public_label]
        for box in (self.digits, self.public_bits):
            box.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)  # typed, or ↑/↓: the theme draws no arrows
            box.valueChanged.connect(self._bits_changed)
        self.public_label.textChanged.connect(self._bits_changed)
        self.primary.setText(self.tr("Freeze the list ›"))

    def first_focus(self) -> QWidget:
        return self.digits

    def enter(self) -> None:
        plan = self.state.plan
        if plan is None:
            return
        pools = "\n".join(
            self.tr("{pool}: {entries} households, {units} units{quotas}").format(
                pool=p.label or p.code,
                entries=p.entries,
                units=p.units,
                quotas="".join(
                    self.tr(", {group} first: {k}").format(group=lottery.GROUP_LABELS.get(g, g), k=k)
                    for g, k in p.quotas
                ),
            )
            for p in plan.pools
        )
        self.plan.setText(f"{plan.plan_name}（{plan.plan_code}）\n{pools}")
        counters = "、".join(
            self.tr("counter {counter}: {n}").format(counter=c.counter, n=c.unsent) for c in plan.unsent
        )
        self.unsent.setText(
            self.tr("Registrations not yet at the centre: {counters}. Let them sync before freezing.").format(
                counters=counters
            )
        )
        self.unsent.setVisible(bool(plan.unsent))
        self.force.setChecked(False)
        self.force.setVisible(bool(plan.unsent))
        self._bits_changed()

    def specs(self) -> list[SourceSpec]:
        specs = [SourceSpec.digits(self.digits_label.text().strip(), self.digits.value())]
        if self.public_label.text().strip():
            specs.append(SourceSpec.public(self.public_label.text().strip(), float(self.public_bits.value())))
        return specs

    def missing_digits(self) -> int:
        return lottery.missing_digits(sum(s.bits for s in self.specs()))

    def primary_enabled(self) -> bool:
        return self.missing_digits() == 0 and bool(self.digits_label.text().strip())

    def _bits_changed(self) -> None:
        bits = sum(s.bits for s in self.specs())
        missing = lottery.missing_digits(bits)
        if missing:
            self.bits.setText(
                self.tr("Sources: about {bits:.1f} bits; the draw needs {min}: {n} more digit(s)").format(
                    bits=bits, min=lottery.MIN_BITS, n=missing
                )
            )
            self.bits.setProperty("kind", "error")
        else:
            self.bits.setText(
                self.tr("Sources: about {bits:.1f} bits (the draw needs {min})").format(
                    bits=bits, min=lottery.MIN_BITS
                )
            )
            self.bits.setProperty("kind", "notice")
        self.bits.style().unpolish(self.bits)
        self.bits.style().polish(self.bits)
        self.refresh_primary()

    def go_on(self) -> None:
        plan = self.state.plan
        if plan is None:
            return
        draws, operator, specs = self.state.draws, self.state.signed_in(), self.specs()
        force = self.force.isChecked()
        self.say(self.tr("Freezing the list at the centre…"))
        self.run_network(
            lambda: draws.freeze(operator, plan.plan_code, specs, force),
            self._frozen,
            lambda _e: self.say(""),
        )

    def _frozen(self, draw: DrawView) -> None:
        self.say("")
        self.state.set_draw(draw)
        self.state.projection.show_draw(draw)
        self.moved_on.emit()
