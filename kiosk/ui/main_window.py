"""The counter's window: header, message bar, the workflows' pages and the shell's own screens (sign-in, lock).

It hosts the workflows of kiosk/ui/workflows.py: builds each page from its entry, gives it a header button and a
shortcut, and switches pages. What happens inside a workflow is the workflow's business.

The window is up before the services are: it gets them deferred (kiosk/services/deferred.py), the sign-in
and the sync strip read them on the database lane (waiting there for the build), and the workflows' pages
are built once they exist (``prepare()``, or after the first sign-in), each from the part it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.clock import Clock, system_clock
from kiosk.ui import messages, theme
from kiosk.ui.change_relay import ChangeRelay
from kiosk.ui.fault_recovery import FaultRecovery
from kiosk.ui.hall.launcher import HallLauncher
from kiosk.ui.header_bar import HeaderBar
from kiosk.ui.idle_lock import IdleLock, IdleWarningBar
from kiosk.ui.kiosk_mode import KioskMode
from kiosk.ui.lock_screen import LockScreen
from kiosk.ui.login_screen import LoginScreen
from kiosk.ui.sync_bar import SyncBar, SyncRelay
from kiosk.ui.workflows import OperatorGetter, Workflow, WorkflowContext, registered
from kiosk_core.model import Role

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.services.container import Services
    from kiosk.services.deferred import Deferred
    from kiosk.services.views import OperatorSession

WizardFactory = Callable[["Services", Any, OperatorGetter, QWidget], QWidget]


class PageStack(QStackedWidget):
    """The screens, as large as the one on show needs (a plain stack needs as much as its largest screen).

    Inside a scroll area: a screen whose large text does not fit (the login at A+ on 1366×768) scrolls,
    instead of growing the window past the counter's screen.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page.minimumSizeHint().expandedTo(page.minimumSize()) if page is not None else QSize()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page.sizeHint() if page is not None else QSize()


def _scrolling(stack: QWidget) -> QScrollArea:
    area = QScrollArea(objectName="pageScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(stack)
    return area


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Deferred[Services],
        speech: Any,
        config: Config,
        parent: QWidget | None = None,
        *,
        clock: Clock = system_clock,
        workflows: Sequence[Workflow] | None = None,
        wizard_factory: WizardFactory | None = None,
        idle_ms: int | None = None,
        warning_ms: int | None = None,
        tick_ms: int = 1000,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Public rental housing registration"))
        self._operator: OperatorSession | None = None
        self._before_lock: QWidget | None = None
        entries = list(workflows if workflows is not None else registered())
        if wizard_factory is not None:  # tests: a stand-in for the home workflow's page
            factory = wizard_factory
            entries = [
                replace(w, open=lambda c: factory(c.services, c.speech, c.operator, c.parent))
                if w.home
                else w
                for w in entries
            ]
        self.workflows: dict[str, Workflow] = {w.name: w for w in entries}
        self._home = next(w.name for w in entries if w.home)
        self._pages: dict[str, QWidget] = {}
        self._services = services
        self._speech = speech
        self._clock = clock
        # Services publish on their own threads; pages and the strip hear it on this one.
        self.changes = ChangeRelay(self)
        services.when_built(lambda built: self.changes.attach(built.changes))

        self.header = HeaderBar(config.counter, entries, clock=clock)
        self.message_bar = messages.MessageBar()
        self.idle_warning = IdleWarningBar()
        self.login_screen = LoginScreen(lambda: services.get().auth)
        self.lock_screen = LockScreen(lambda: services.get().auth)
        self.sync_relay = SyncRelay(self)
        self.sync_bar = SyncBar(
            self.sync_relay, clock=clock, status=lambda: services.get().sync.status(), changes=self.changes
        )
        self.hall = HallLauncher(config, self, clock=clock)
        self.stack = PageStack()
        for page in (self.login_screen, self.lock_screen):
            self.stack.addWidget(page)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.message_bar)
        column.addWidget(self.idle_warning)
        column.addWidget(_scrolling(self.stack), 1)
        column.addWidget(self.sync_bar)
        self.setCentralWidget(central)

        self.idle = IdleLock(
            idle_ms if idle_ms is not None else config.lock.idle_seconds * 1000,
            warning_ms if warning_ms is not None else config.lock.warning_seconds * 1000,
            tick_ms,
            self,
        )
        self.idle.warning_changed.connect(self.idle_warning.show_left)
        self.idle.warning_cancelled.connect(self.idle_warning.hide)
        self.idle.locked.connect(self.lock)

        h = self.header
        h.smaller.clicked.connect(lambda: self.change_text_size(-theme.STEP_PT))
        h.bigger.clicked.connect(lambda: self.change_text_size(theme.STEP_PT))
        h.logout.clicked.connect(self.logout)
        h.hall_action.toggled.connect(self._on_hall_toggled)
        self.hall.closed.connect(lambda: h.hall_action.setChecked(False))
        self.hall.opened.connect(lambda: h.hall_action.setChecked(True))  # the lottery console opens it too
        for workflow in entries:
            if workflow.button is not None:
                start = self._starter(workflow)
                if workflow.name in h.menu_actions:  # a supervisor's workflow, in their menu
                    h.menu_actions[workflow.name].triggered.connect(start)
                else:
                    h.buttons[workflow.name].clicked.connect(start)
                if workflow.button.shortcut:
                    QShortcut(QKeySequence(workflow.button.shortcut), self, start)
        self.login_screen.logged_in.connect(self._on_logged_in)
        self.lock_screen.unlocked.connect(self._on_unlocked)
        self.lock_screen.switch_user_requested.connect(self.logout)
        self.sync_bar.rejected_requested.connect(self.show_rejected)

        self.kiosk = KioskMode(self, lambda: services.get().auth, config.kiosk_mode)
        self.faults = FaultRecovery(self, self.login_screen.logged_in, self)

        self._sync_text_size_buttons()
        self.header.set_operator(None)
        self._show(self.login_screen)

    def present(self) -> None:
        """Show the window as the counter uses it: the whole screen in kiosk mode, else maximised."""
        if self.kiosk.on:
            self.showFullScreen()
        elif QGuiApplication.platformName() in ("offscreen", "minimal"):
            self.show()
        else:
            self.showMaximized()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # Kiosk mode: the window manager's close and Alt+F4 do nothing; a supervisor leaves by the dialog.
        if not self.kiosk.may_close():
            event.ignore()
            return
        super().closeEvent(event)

    # --- the workflows' pages -----------------------------------------------------------------------------

    def page(self, name: str) -> QWidget:
        """The workflow's page, built on first use (or by ``prepare()`` once the services are built).

        Never before the services exist in the app: a page is opened after sign-in, which waits for them.
        """
        page = self._pages.get(name)
        if page is None:
            workflow = self.workflows[name]
            context = WorkflowContext(
                self._services.get(), self._speech, self.current_operator, self, self._clock, self.changes
            )
            page = self._pages[name] = workflow.open(context)
            page.setAccessibleName(QCoreApplication.translate("Workflow", workflow.title))
            self.stack.addWidget(page)
            if workflow.wire is not None:
                workflow.wire(page, self)
            back = getattr(page, "back_requested", None)
            if back is not None:
                back.connect(self.go_back)
                esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), page, self.go_back)
                esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return page

    @property
    def wizard(self) -> QWidget:
        """The home workflow's page: the counter wizard."""
        return self.page(self._home)

    @property
    def records_screen(self) -> Any:
        return self.page("records")

    def prepare(self) -> None:
        """Build what the first frame did not need, so the first household does not wait for it."""
        for name in self.workflows:
            self.page(name)

    def current_operator(self) -> OperatorSession | None:
        return self._operator

    def is_locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_screen

    def _working(self) -> bool:
        return self._operator is not None and not self.is_locked()

    # --- navigation ---------------------------------------------------------------------------------------

    def open(self, name: str, argument: str = "") -> None:
        """Show a workflow's page; ``argument`` goes to the page (a filing number for records, say)."""
        workflow = self.workflows[name]
        if not self._working() or not self._allowed(workflow):
            return
        page = self.page(name)
        self._show(page)
        if workflow.show is not None:
            workflow.show(page, argument)

    def start_over(self, name: str | None = None) -> None:
        """Nothing of the last household left on any page, then the workflow (the home one) from its start."""
        if not self._working():
            return
        messages.clear()
        self._reset_pages()
        self.open(name or self._home)

    def next_household(self) -> None:
        self.start_over(self._home)

    def show_records(self, query: str = "") -> None:
        self.open("records", query)

    def show_rejected(self) -> None:
        if not self._working():
            return
        self.open("records")
        self.records_screen.show_rejected()

    def go_back(self) -> None:
        """From another workflow's page back home; the home page stays as it was."""
        current = self.stack.currentWidget()
        if self._working() and current in self._pages.values() and current is not self.wizard:
            self._show(self.wizard)

    def lock(self) -> None:
        """Cover everything; the work beneath stays as it is but cannot be seen."""
        if not self._working() or self._operator is None:
            return
        self._close_dialogs()
        messages.clear()
        self.idle.disarm()
        self.idle_warning.hide()
        self._before_lock = self.stack.currentWidget()
        self.lock_screen.lock(self._operator)
        self.header.set_actions_enabled(False)
        self._show(self.lock_screen)

    def logout(self) -> None:
        """Signed out: nothing of the household stays on the pages or the hall."""
        self._close_dialogs()
        self.hall.close()
        self._reset_pages()
        self.sign_out_keeping_work()

    def sign_out_keeping_work(self) -> None:
        """Back to the sign-in after a fault: unlike ``logout`` the pages keep the household's draft."""
        self.idle.disarm()
        self.idle_warning.hide()
        self._close_dialogs()
        messages.clear()
        self.login_screen.reset()
        self._operator = None
        self._before_lock = None
        self.header.set_operator(None)
        self.header.set_actions_enabled(True)
        self._show(self.login_screen)

    def change_text_size(self, delta: int) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app, theme.current_pt(app) + delta)
        self._sync_text_size_buttons()

    # --- slots --------------------------------------------------------------------------------------------

    def _starter(self, workflow: Workflow) -> Callable[[], None]:
        assert workflow.button is not None
        if workflow.button.starts_over:
            return lambda: self.start_over(workflow.name)
        return lambda: self.open(workflow.name)

    def _allowed(self, workflow: Workflow) -> bool:
        # The header hides a supervisor's workflow from clerks; its shortcut must not open it either.
        operator = self._operator
        return not workflow.supervisor_only or (operator is not None and operator.role == Role.SUPERVISOR)

    def _reset_pages(self) -> None:
        for page in self._pages.values():
            reset = getattr(page, "reset", None)
            if reset is not None:
                reset()

    def _on_logged_in(self, session: OperatorSession) -> None:
        self._operator = session
        self.header.set_operator(session)
        self.header.set_actions_enabled(True)
        self._show(self.wizard)
        self.idle.arm()

    def _on_unlocked(self, session: OperatorSession) -> None:
        self._operator = session
        self.header.set_actions_enabled(True)
        self._show(self._before_lock or self.wizard)
        self._before_lock = None
        self.idle.arm()

    def _on_hall_toggled(self, on: bool) -> None:
        if not on:
            self.hall.close()
        elif not self._working() or not self.hall.open():
            self.header.hall_action.setChecked(False)

    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        page.setFocus()

    def _sync_text_size_buttons(self) -> None:
        app = QApplication.instance()
        pt = theme.current_pt(app) if isinstance(app, QApplication) else theme.MIN_PT
        self.header.smaller.setEnabled(pt > theme.MIN_PT)
        self.header.bigger.setEnabled(pt < theme.MAX_PT)

    @staticmethod
    def _close_dialogs() -> None:
        """A dialog over a household's record must not stay on a locked or signed-out screen."""
        for _ in range(10):
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                return
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()
