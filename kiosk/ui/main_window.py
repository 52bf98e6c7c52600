"""The counter's window: header bar, message bar and the screens; it switches screens and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QLocale, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import messages, theme
from kiosk.ui.i18n import operator_label
from kiosk.ui.idle_lock import IdleLock, IdleWarningBar
from kiosk.ui.lock_screen import LockScreen
from kiosk.ui.login_screen import LoginScreen
from kiosk.ui.records_screen import RecordsScreen
from kiosk.ui.sync_bar import SyncBar, SyncRelay

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.services.container import Services
    from kiosk.services.views import OperatorSession

OperatorGetter = Callable[[], "OperatorSession | None"]
WizardFactory = Callable[["Services", Any, OperatorGetter, QWidget], QWidget]


def counter_wizard(
    services: Services, speech: Any, operator_getter: OperatorGetter, parent: QWidget
) -> QWidget:
    # Imported when first needed: the flow screens pull in the whole service layer, which the first frame
    # (the login screen) does without.
    from kiosk.ui.wizard import CounterWizard

    wizard: QWidget = CounterWizard(services, speech, operator_getter, parent)
    return wizard


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


class HeaderBar(QWidget):
    """Centre, counter, who is signed in, the time, and the few big actions staff use all day."""

    def __init__(self, counter: str, parent: QWidget | None = None):
        super().__init__(parent)
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
        self.records = QPushButton(self.tr("Records"))
        self.records.setObjectName("openRecords")
        self.records.setToolTip("F3")
        self.next_household = QPushButton(self.tr("Next household"))
        self.next_household.setObjectName("nextHousehold")
        self.next_household.setToolTip("F2")
        theme.set_kind(self.next_household, "primary")
        self.logout = QPushButton(self.tr("Sign out"))
        self.logout.setObjectName("logout")

        info = QHBoxLayout()
        info.setSpacing(24)
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
        for w in (self.smaller, self.bigger, self.records, self.next_household, self.logout):
            row.addWidget(w)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._tick()

    def set_operator(self, session: OperatorSession | None) -> None:
        self.operator.setText(operator_label(session) if session else "")
        self.operator.setVisible(session is not None)
        for button in (self.records, self.next_household, self.logout):
            button.setVisible(session is not None)

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.records, self.next_household, self.logout):
            button.setEnabled(enabled)

    def _tick(self) -> None:
        self.clock.setText(QLocale().toString(QDateTime.currentDateTime(), "MM-dd dddd HH:mm"))


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        speech: Any,
        config: Config,
        parent: QWidget | None = None,
        *,
        wizard_factory: WizardFactory = counter_wizard,
        idle_ms: int | None = None,
        warning_ms: int | None = None,
        tick_ms: int = 1000,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Public rental housing registration"))
        self._operator: OperatorSession | None = None
        self._before_lock: QWidget | None = None

        self.header = HeaderBar(config.counter)
        self.message_bar = messages.MessageBar()
        self.idle_warning = IdleWarningBar()
        self.login_screen = LoginScreen(services.auth)
        self.records_screen = RecordsScreen(services, self.current_operator)
        self.lock_screen = LockScreen(services.auth)
        self.sync_relay = SyncRelay(self)
        self.sync_bar = SyncBar(self.sync_relay)
        self.stack = PageStack()
        for page in (self.login_screen, self.records_screen, self.lock_screen):
            self.stack.addWidget(page)
        self._wizard: QWidget | None = None
        self._make_wizard = lambda: wizard_factory(services, speech, self.current_operator, self)
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
        h.records.clicked.connect(lambda: self.show_records())
        h.next_household.clicked.connect(self.next_household)
        h.logout.clicked.connect(self.logout)
        self.login_screen.logged_in.connect(self._on_logged_in)
        self.lock_screen.unlocked.connect(self._on_unlocked)
        self.lock_screen.switch_user_requested.connect(self.logout)
        self.records_screen.back_requested.connect(self.go_back)
        self.sync_bar.rejected_requested.connect(self.show_rejected)

        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.next_household)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, lambda: self.show_records())
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.records_screen, self.go_back)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self._sync_text_size_buttons()
        self.header.set_operator(None)
        self._show(self.login_screen)

    # --- state the screens read ---------------------------------------------------------------------------

    @property
    def wizard(self) -> QWidget:
        """The counter wizard, built on first use (or by ``prepare()`` once the first frame is up)."""
        if self._wizard is None:
            self._wizard = self._make_wizard()
            self.stack.insertWidget(1, self._wizard)
            self._wizard.records_requested.connect(self.show_records)  # type: ignore[attr-defined]
        return self._wizard

    def prepare(self) -> None:
        """Build what the first frame did not need, so the first household does not wait for it."""
        _ = self.wizard

    def current_operator(self) -> OperatorSession | None:
        return self._operator

    def is_locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_screen

    def _working(self) -> bool:
        return self._operator is not None and not self.is_locked()

    # --- navigation ---------------------------------------------------------------------------------------

    def next_household(self) -> None:
        if not self._working():
            return
        messages.clear()
        self.wizard.reset()  # type: ignore[attr-defined]
        self.records_screen.clear()
        self._show(self.wizard)

    def show_records(self, query: str = "") -> None:
        if not self._working():
            return
        self._show(self.records_screen)
        if query:
            self.records_screen.search(query)

    def show_rejected(self) -> None:
        if not self._working():
            return
        self._show(self.records_screen)
        self.records_screen.show_rejected()

    def go_back(self) -> None:
        if self._working() and self.stack.currentWidget() is self.records_screen:
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
        self.idle.disarm()
        self.idle_warning.hide()
        self._close_dialogs()
        messages.clear()
        if self._wizard is not None:
            self._wizard.reset()  # type: ignore[attr-defined]
        self.records_screen.clear()
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
