"""The main window's header: centre, counter, who is signed in, the time, text size, and the workflows' buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from kiosk.services.clock import Clock, system_clock
from kiosk.ui import theme
from kiosk.ui.i18n import operator_label
from kiosk_core.model import Role

if TYPE_CHECKING:
    from kiosk.services.views import OperatorSession
    from kiosk.ui.workflows import Workflow


class HeaderBar(QWidget):
    """Centre, counter, who is signed in, the time, and the few big actions staff use all day.

    ``buttons`` holds each workflow's button by the workflow's name; ``menu`` lists the workflows opened now and
    then (``menu_actions``) and, for supervisors, their own (the lottery console, the hall screen).
    """

    def __init__(
        self,
        counter: str,
        workflows: Sequence[Workflow] = (),
        parent: QWidget | None = None,
        *,
        clock: Clock = system_clock,
    ):
        super().__init__(parent)
        self._clock = clock
        self.setObjectName("headerBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        centre = QLabel(self.tr("Public rental housing registration"))
        theme.set_kind(centre, "title")
        number = int(counter) if counter.isdigit() else counter
        self.counter = QLabel(self.tr("Counter {n}").format(n=number))
        self.operator = QLabel()
        self.operator.setObjectName("operatorName")
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.smaller = QPushButton("A−")
        self.smaller.setObjectName("textSmaller")
        self.smaller.setToolTip(self.tr("Smaller text"))
        self.bigger = QPushButton("A+")
        self.bigger.setObjectName("textBigger")
        self.bigger.setToolTip(self.tr("Bigger text"))
        for button in (self.smaller, self.bigger):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._workflows = [w for w in workflows if w.button is not None]
        self.buttons: dict[str, QPushButton] = {}
        # Workflows staff open now and then (selection days, the lottery console) are in one menu: the row is full
        # at 1366 px and the largest text. A supervisor's entries (and the hall screen) are hidden from clerks.
        self.menu = QPushButton(self.tr("More"))
        self.menu.setObjectName("workflowMenu")
        self.menu_list = QMenu(self.menu)
        self.menu.setMenu(self.menu_list)
        self.menu_actions: dict[str, QAction] = {}
        for workflow in self._workflows:
            spec = workflow.button
            assert spec is not None
            if spec.in_menu or workflow.supervisor_only:
                text = QCoreApplication.translate("Workflow", spec.text)
                # After a tab the menu shows the key on the right; the shell's own shortcut handles it.
                action = QAction(f"{text}\t{spec.shortcut}" if spec.shortcut else text, self.menu_list)
                action.setObjectName(spec.object_name)
                action.setToolTip(spec.shortcut)
                self.menu_list.addAction(action)
                self.menu_actions[workflow.name] = action
                continue
            button = QPushButton(QCoreApplication.translate("Workflow", spec.text))
            button.setObjectName(spec.object_name)
            if spec.shortcut:
                button.setToolTip(spec.shortcut)
            if spec.primary:
                theme.set_kind(button, "primary")
            self.buttons[workflow.name] = button
        self.hall_action = QAction(self.tr("Hall screen"), self.menu_list, checkable=True)
        self.hall_action.setObjectName("hallScreenAction")
        self.menu_list.addAction(self.hall_action)
        self.logout = QPushButton(self.tr("Sign out"))
        self.logout.setObjectName("logout")

        info = QHBoxLayout()
        info.setSpacing(16)
        for w in (self.counter, self.operator, self.clock):
            info.addWidget(w)
        info.addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(centre)
        left.addLayout(info)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 16, 6)
        row.setSpacing(12)
        row.addLayout(left, 1)
        for w in (self.smaller, self.bigger, self.menu, *self.buttons.values(), self.logout):
            row.addWidget(w)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._tick()

    def _actions(self) -> list[QPushButton]:
        return [*self.buttons.values(), self.menu, self.logout]

    def set_operator(self, session: OperatorSession | None) -> None:
        self.operator.setText(operator_label(session) if session else "")
        self.operator.setVisible(session is not None)
        supervisor = session is not None and session.role == Role.SUPERVISOR
        for workflow in self._workflows:
            allowed = not workflow.supervisor_only or supervisor
            if workflow.name in self.buttons:
                self.buttons[workflow.name].setVisible(session is not None and allowed)
            else:
                self.menu_actions[workflow.name].setVisible(allowed)
        self.hall_action.setVisible(supervisor)
        self.menu.setVisible(session is not None and any(a.isVisible() for a in self.menu_list.actions()))
        self.logout.setVisible(session is not None)

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in self._actions():
            button.setEnabled(enabled)

    def _tick(self) -> None:
        # Date and time without the weekday: the row holds the workflows' menu too at 1366 px and the largest text.
        self.clock.setText(QLocale().toString(QDateTime(self._clock()), "MM-dd HH:mm"))
