"""Step 6: the registration number, large enough to read aloud, and the slip printing on its own worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.services.slip_printing import PrintOutcome, SlipService
from kiosk.services.views import OperatorSession
from kiosk.ui import messages
from kiosk.ui.registration.screens import MessageLabel, Screen, label, scaled_font
from kiosk.ui.workers import Lane, run_in_background

if TYPE_CHECKING:
    from kiosk.ui.registration.draft_state import DraftState


REG_NO_MAX_PT = 64


def spaced(reg_no: str) -> str:
    """ "Q2611-00042-K" as "Q2611 – 00042 – K": groups apart, so it is read out group by group."""
    return " – ".join(reg_no.split("-"))


class DoneScreen(Screen):
    def __init__(
        self,
        state: DraftState,
        slips: SlipService,
        operator_getter: Callable[[], OperatorSession],
        parent: QWidget | None = None,
    ):
        super().__init__(state, parent)
        self._slips = slips
        self._operator = operator_getter
        self.printing = False
        self.printed: bool | None = None
        self.headline = label(self.tr("✓ Registered"), factor=1.6, bold=True, name="doneHeadline")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption = label(self.tr("Registration number"), factor=1.1, kind="hint")
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reg_no_label = label(name="regNo", wrap=False)
        font = scaled_font(self.reg_no_label, 3.2, bold=True)
        # Very large, but never wider than a 1366 px screen at the largest text size.
        font.setPointSizeF(min(font.pointSizeF(), REG_NO_MAX_PT))
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 6)
        self.reg_no_label.setFont(font)
        self.reg_no_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reg_no_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QFrame(objectName="regNoBox")
        inner = QVBoxLayout(box)
        inner.addWidget(caption)
        inner.addWidget(self.reg_no_label)
        self.summary = label(factor=1.1)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A real-time unit the centre did not confirm: staff tell the household what its slip says.
        self.provisional_note = MessageLabel()
        self.print_status = MessageLabel()
        self.print_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reprint_button = QPushButton(self.tr("Print again"), objectName="reprintButton")
        self.reprint_button.setMinimumHeight(60)
        self.reprint_button.clicked.connect(self._on_reprint)
        self.reprint_button.hide()
        status = QHBoxLayout()
        status.addStretch(1)
        status.addWidget(self.print_status, 4)
        status.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignVCenter)
        status.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.summary)
        layout.addWidget(self.provisional_note)
        layout.addSpacing(16)
        layout.addLayout(status)
        layout.addStretch(2)

    # --- wizard ---
    def primary_text(self) -> str:
        return self.tr("Next household ›")

    def enter(self) -> None:
        view = self.state.registration
        if view is None:
            return
        self.reg_no_label.setText(spaced(view.reg_no))
        choice = view.unit_label or view.unit_type_name
        self.summary.setText(f"{view.applicant_name} · {view.plan_name}\n{view.project_name} · {choice}")
        if view.provisional:
            self.headline.setText(self.tr("✓ Registered, awaiting the centre's confirmation"))
            self.provisional_note.show_text(
                self.tr(
                    "The centre did not answer, so this unit is not confirmed yet; the slip says so. "
                    "Ask the household to keep the slip: if another household was first, "
                    "the counter will call them to come back and choose again."
                ),
                "info",
            )
        else:
            self.headline.setText(self.tr("✓ Registered"))
            self.provisional_note.clear_message()
        self._print(view.reg_no, reprint=False)

    def clear(self) -> None:
        self.reg_no_label.clear()
        self.summary.clear()
        self.provisional_note.clear_message()
        self.print_status.clear_message()
        self.reprint_button.hide()
        self.printing = False
        self.printed = None

    def default_focus(self) -> QWidget | None:
        return None  # the wizard's "next household" button

    # --- slots ---
    def _on_reprint(self) -> None:
        view = self.state.registration
        if view is not None and not self.printing:
            self._print(view.reg_no, reprint=True)

    def _print(self, reg_no: str, *, reprint: bool) -> None:
        operator = self._operator()
        generation = self.state.generation
        self.printing = True
        self.printed = None
        self.reprint_button.setEnabled(False)
        self.print_status.show_text(self.tr("Printing the slip…"), "info")

        def done(outcome: PrintOutcome) -> None:
            if generation != self.state.generation:
                # Staff moved on to the next household: still say if this slip did not come out.
                if not outcome.printed:
                    messages.show(messages.Level.WARNING, f"{reg_no}：{outcome.message}")
                return
            self._on_printed(outcome)

        def failed(exc: Exception) -> None:
            if generation != self.state.generation:
                messages.show_error(exc)
                return
            self._on_print_failed(exc)

        run_in_background(
            self,
            lambda: self._slips.print_slip(reg_no, operator, reprint=reprint),
            done,
            failed,
            lane=Lane.NETWORK,  # printing is slow: never queued with the database
        )

    def _on_printed(self, outcome: PrintOutcome) -> None:
        self.printing = False
        self.printed = outcome.printed
        level = "success" if outcome.printed else "error"
        prefix = "✓ " if outcome.printed else "✕ "
        self.print_status.show_text(prefix + outcome.message, level)
        self.reprint_button.setEnabled(True)
        self.reprint_button.show()  # also after a print: paper jams and torn slips happen

    def _on_print_failed(self, exc: Exception) -> None:
        self.printing = False
        self.printed = False
        self.print_status.show_error(exc)
        self.reprint_button.setEnabled(True)
        self.reprint_button.show()
