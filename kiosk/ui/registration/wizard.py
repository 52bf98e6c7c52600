"""The counter wizard: it walks the steps of steps.py (identify → plan → project/unit → notice → review → done)."""

from __future__ import annotations

from collections.abc import Callable
from string import Template
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.clock import Clock, system_clock
from kiosk.services.container import Services
from kiosk.services.views import (
    HouseholdView,
    OperatorSession,
    RegistrationView,
)
from kiosk.ui import theme
from kiosk.ui.registration.draft_state import DraftState
from kiosk.ui.registration.screens import Screen, label, repolish
from kiosk.ui.registration.steps import STEPS, Step, StepContext, path
from kiosk_core.model import PlanKind

if TYPE_CHECKING:
    from kiosk.platform.speech import SpeechEngine
    from kiosk.ui.registration.screens.done_screen import DoneScreen
    from kiosk.ui.registration.screens.identify_screen import IdentifyScreen
    from kiosk.ui.registration.screens.notice_screen import NoticeScreen
    from kiosk.ui.registration.screens.plan_screen import PlanScreen
    from kiosk.ui.registration.screens.project_screen import ProjectScreen
    from kiosk.ui.registration.screens.review_screen import ReviewScreen
    from kiosk.ui.registration.screens.unit_screen import UnitScreen


class CounterWizard(QWidget):
    """The registration flow at the counter. Enter goes on, Esc goes back; the main window owns F2/F3.

    Each step's screen is also an attribute named after the step (``wizard.identify``, ``wizard.units``).
    """

    records_requested = Signal(str)  # filing_no of the household on screen
    registration_completed = Signal(object)  # RegistrationView

    identify: IdentifyScreen
    plans: PlanScreen
    projects: ProjectScreen
    units: UnitScreen
    notice: NoticeScreen
    review: ReviewScreen
    done: DoneScreen

    def __init__(
        self,
        services: Services,
        speech: SpeechEngine,
        operator_getter: Callable[[], OperatorSession],
        parent: QWidget | None = None,
        *,
        steps: tuple[Step, ...] = STEPS,
        clock: Clock = system_clock,
    ):
        super().__init__(parent)
        self.setObjectName("counterWizard")
        self.setStyleSheet(STYLE.substitute(theme.colors()))
        self.state = DraftState(self)
        self._focus_waits_on: Screen | None = (
            None  # the screen whose next action could not take the focus yet
        )
        state = self.state
        self.steps = steps
        context = StepContext(state, services, speech, operator_getter, clock)
        self._step_of: dict[Screen, Step] = {}
        self.screens: list[Screen] = []
        self.stack = QStackedWidget()
        self._pages: dict[Screen, QScrollArea] = {}
        for step in steps:
            screen = step.build(context)
            setattr(self, step.name, screen)
            self._step_of[screen] = step
            self.screens.append(screen)
            self._pages[screen] = page = _page(screen)
            self.stack.addWidget(page)
            screen.primary_changed.connect(self._sync_footer)
            screen.step_done.connect(lambda s=screen: self._step_done(s))
            screen.choice_refused.connect(lambda exc, s=screen: self._choice_refused(s, exc))
        longest = max(len(path(steps, kind)) for kind in PlanKind)
        self.step_labels = [QLabel(objectName="step") for _ in range(longest)]
        self.household_banner = label(name="householdBanner", wrap=False)
        self.back_button = QPushButton(self.tr("‹ Back"), objectName="backButton")
        self.primary_button = QPushButton(objectName="primaryButton")
        theme.set_kind(self.primary_button, "primary")
        self.back_button.clicked.connect(self.go_back)
        self.primary_button.clicked.connect(self.go_on)
        self._build_layout()
        self._name_steps()
        self.identify.records_requested.connect(self.records_requested)
        state.household_changed.connect(self._on_household_changed)
        state.plan_changed.connect(lambda _plan: self._name_steps())
        state.registration_changed.connect(self._on_registration_changed)
        self._show(self.screens[0])

    def _build_layout(self) -> None:
        steps = QHBoxLayout()
        steps.setSpacing(6)
        for i, step in enumerate(self.step_labels):
            if i:
                arrow = QLabel("›", objectName="stepArrow")
                step.setProperty("arrow", arrow)  # hidden with its step on a shorter path
                steps.addWidget(arrow)
            steps.addWidget(step)
        steps.addStretch(1)
        top = QFrame(objectName="stepBar")
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(24, 8, 24, 6)
        top_layout.setSpacing(2)
        top_layout.addLayout(steps)
        top_layout.addWidget(self.household_banner)
        hint = self.key_hint = label(kind="hint", wrap=False)
        footer = QFrame(objectName="footer")
        row = QHBoxLayout(footer)
        row.setContentsMargins(24, 8, 24, 10)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(hint)
        row.addStretch(1)
        row.addWidget(self.primary_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(footer)

    # --- navigation ---
    def current_screen(self) -> Screen:
        page = self.stack.currentWidget()
        assert isinstance(page, QScrollArea)
        screen = page.widget()
        assert isinstance(screen, Screen)
        return screen

    def go_on(self) -> None:
        if self.primary_button.isEnabled():
            self.current_screen().go_on()

    def go_back(self) -> None:
        current = self.current_screen()
        steps = self._path()
        step = self._step_of[current]
        if step not in steps or not step.back or steps.index(step) == 0:
            return
        if current.can_leave():
            self._show(self._screen_of(steps[steps.index(step) - 1]))

    def reset(self) -> None:
        """Next household: nothing of the previous one stays on any screen."""
        self.state.reset()
        for screen in self.screens:
            screen.clear()
        self._show(self.screens[0])

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        # Shown by the main window (after sign-in, unlock, records): the cursor where work goes on.
        super().showEvent(event)
        self._focus_default()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        # The main window focuses the wizard as a whole: hand the focus on to the current screen's field.
        super().focusInEvent(event)
        self._focus_default()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.current_screen().handle_enter():
                self.go_on()
            event.accept()
        elif event.key() == Qt.Key.Key_Escape:
            self.go_back()
            event.accept()
        elif event.text().strip() and event.text().isprintable() and self._takes_a_scan():
            # A scan while the focus is on a button: on 核验身份 it is another filing number, on 完成 it is
            # the next household's (one action instead of "next household" + scan).
            if self.current_screen() is self._last():
                self.reset()
            self.identify.begin_scan(event.text())
            event.accept()
        else:
            super().keyPressEvent(event)

    def _takes_a_scan(self) -> bool:
        # The first step takes a scan as its input; the last one, as the next household's.
        screen = self.current_screen()
        return screen is self._last() or (screen is self.screens[0] and not screen.busy)

    def _path(self) -> list[Step]:
        plan = self.state.plan
        return path(self.steps, plan.kind if plan is not None else None)

    def _screen_of(self, step: Step) -> Screen:
        return next(screen for screen, s in self._step_of.items() if s is step)

    def _last(self) -> Screen:
        return self._screen_of(self._path()[-1])

    def _step_done(self, screen: Screen) -> None:
        """On to the next step that applies to the chosen plan; after the last, the next household."""
        steps = self._path()
        step = self._step_of[screen]
        if step is steps[-1]:
            self.reset()
        elif step in steps:
            self._show(self._screen_of(steps[steps.index(step) + 1]))

    def _choice_refused(self, screen: Screen, exc: BaseException) -> None:
        """Back to the step that chose what the centre refused, its refusal shown there; nothing was stored."""
        steps = self._path()
        step = self._step_of[screen]
        before = steps[: steps.index(step)] if step in steps else []
        chooser = next((self._screen_of(s) for s in reversed(before) if self._screen_of(s).chooses), None)
        if chooser is None:
            return
        self._show(chooser)
        chooser.show_refusal(exc)

    def _show(self, screen: Screen) -> None:
        current = self.current_screen() if self.stack.currentIndex() >= 0 else None
        if current is not None and current is not screen:
            current.leave()
        self.stack.setCurrentWidget(self._pages[screen])
        steps = self._path()
        step = steps.index(self._step_of[screen]) if self._step_of[screen] in steps else 0
        for i, step_label in enumerate(self.step_labels):
            step_label.setProperty("phase", "current" if i == step else "done" if i < step else "todo")
            repolish(step_label)
        # Between the first and the last step: the household is known, and the way back is open.
        middle = 0 < step < len(steps) - 1
        self.household_banner.setVisible(middle and self.state.household is not None)
        self.back_button.setVisible(middle)
        self.key_hint.setText(self.tr("Enter: go on   Esc: back") if middle else self.tr("Enter: go on"))
        screen.enter()
        self._sync_footer()
        self._focus_default()

    def _focus_default(self) -> None:
        screen = self.current_screen()
        target = screen.default_focus() or self.primary_button
        if target.isEnabled():
            self._focus_waits_on = None
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        # Still loading (the notice's box, "confirm" before the preview): hold the focus on the screen, never
        # on the header's buttons (Enter and Esc work here), and hand it on once the target can take it.
        self._focus_waits_on = screen
        screen.setFocus()

    def _sync_footer(self) -> None:
        screen = self.current_screen()
        self.primary_button.setText(screen.primary_text())
        self.primary_button.setEnabled(screen.primary_enabled())
        if self._focus_waits_on is screen and QApplication.focusWidget() in (screen, None):
            self._focus_default()  # unless staff already moved the focus elsewhere themselves

    def _name_steps(self) -> None:
        # The step bar follows the chosen plan's path: a project and unit type (quick), a concrete unit (real-time).
        steps = self._path()
        for i, step_label in enumerate(self.step_labels):
            step_label.setVisible(i < len(steps))
            step_label.setText(f"{i + 1} {self.tr(steps[i].title)}" if i < len(steps) else "")
            arrow = step_label.property("arrow")
            if isinstance(arrow, QLabel):
                arrow.setVisible(i < len(steps))

    def _on_registration_changed(self, view: RegistrationView | None) -> None:
        if view is not None:
            self.registration_completed.emit(view)

    def _on_household_changed(self, household: HouseholdView | None) -> None:
        if household is None:
            self.household_banner.clear()
        else:
            self.household_banner.setText(
                self.tr("Household: {name} · filing {filing} · {district} · {n} person(s)").format(
                    name=household.applicant_name,
                    filing=household.filing_no,
                    district=household.district,
                    n=household.family_size,
                )
            )
            if self.current_screen() is self.screens[0]:
                self.primary_button.setFocus()  # Enter now goes on to the plans
        self._sync_footer()


def _page(screen: Screen) -> QScrollArea:
    """A screen in a scroll area: a long screen (large text, a big family) scrolls inside the window instead
    of making the window taller than the counter's screen; the step bar and the footer stay in view."""
    page = QScrollArea(objectName="pageScroll")
    page.setWidgetResizable(True)
    page.setFrameShape(QFrame.Shape.NoFrame)
    page.setWidget(screen)
    return page


# The wizard's own pieces on top of the app theme (kiosk_resources/theme/kiosk.qss), in the theme's colours.
STYLE = Template("""
#stepBar, #footer { background: $surface; }
#stepBar { border-bottom: 2px solid $border; }
#footer { border-top: 2px solid $border; }
QLabel#step { padding: 2px 12px; border-radius: 8px; color: $hint; }
QLabel#step[phase="current"] { background: $primary; color: $on_primary; font-weight: bold; }
QLabel#step[phase="done"] { color: $success; }
QLabel#stepArrow { color: $hint; }
QLabel#householdBanner { color: $header; font-weight: bold; }
QPushButton#primaryButton { min-width: 300px; }
QPushButton#linkButton { min-height: 0; min-width: 0; border: none; background: transparent; color: $primary;
    text-decoration: underline; padding: 2px 6px; }
QPushButton#linkButton:focus { background: $focus; color: $on_focus; }
QLabel#inlineMessage { padding: 10px 14px; border-radius: 6px; }
QLabel[kind="success"] { background: $success; color: $on_success; font-weight: bold; padding: 10px;
    border-radius: 6px; }
QLabel#filingStatus { padding: 2px 12px; border-radius: 8px; font-weight: bold; }
QLabel#filingStatus[level="success"] { background: $success; color: $on_success; }
QLabel#filingStatus[level="error"] { background: $error; color: $on_error; }
#resultPanel, #projectCard { background: $background; border: 2px solid $border; border-radius: 10px; }
QFrame#planCard, QFrame#unitTypeRow { background: $surface; border: 2px solid $border; border-radius: 10px; }
QFrame#planCard:focus, QFrame#unitTypeRow:focus { border: 5px solid $on_focus; }
QFrame#planCard[selected="true"], QFrame#unitTypeRow[selected="true"] {
    border: 5px solid $primary; background: $alt_row; }
QFrame#planCard[selected="true"]:focus, QFrame#unitTypeRow[selected="true"]:focus { border: 5px solid $on_focus; }
QLabel#chosenMark { background: $primary; color: $on_primary; font-weight: bold; padding: 0 10px; border-radius: 6px; }
QFrame#planCard[unavailable="true"], QFrame#unitTypeRow[unavailable="true"] {
    background: $disabled_bg; border: 2px dashed $border; }
QLabel#refusal { color: $danger; font-weight: bold; }
QLabel#kindBadge { padding: 0 10px; border-radius: 6px; color: $on_primary; background: $primary; }
QLabel#kindBadge[planKind="realtime"] { background: $header; }
QFrame[unavailable="true"] QLabel#kindBadge { background: $disabled_text; }
QLabel#countdown { font-weight: bold; }
QLabel#countdown[phase="open"] { color: $success; }
QLabel#countdown[phase="closed"] { color: $danger; }
QLabel#photo { background: $disabled_bg; border-radius: 6px; color: $hint; }
QTextBrowser#noticeText { background: $background; border: 2px solid $border; border-radius: 8px; padding: 8px 14px; }
QCheckBox#ackBox { background: $input_focus_bg; border: 3px solid $warning; border-radius: 8px; font-weight: bold; }
QCheckBox#ackBox:focus { background: $focus; }
QFrame#regNoBox { background: $background; border: 5px solid $primary; border-radius: 14px; padding: 12px 36px; }
QLabel#regNo { color: $header; }
QLabel#doneHeadline { color: $success; }
QLabel#sectionTitle { color: $header; border-bottom: 2px solid $border; padding-top: 6px; }
QLabel#fieldTitle { color: $hint; }
QScrollBar::handle:vertical { background: $border; min-height: 60px; border-radius: 8px; margin: 3px; }
QScrollBar::handle:horizontal { background: $border; min-width: 60px; border-radius: 8px; margin: 3px; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; }
QScrollBar::add-page, QScrollBar::sub-page { background: $surface; }
""")
