"""Kiosk mode: the counter's window fills the screen, stays on top, and only a supervisor can close it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import run_in_background

if TYPE_CHECKING:
    from kiosk.services.auth import AuthService
    from kiosk.services.views import OperatorSession

# Not on any button: the public must not find it; supervisors learn it with the counter's set-up.
LEAVE_SHORTCUT = "Ctrl+Shift+Q"


class LeaveKioskDialog(QDialog):
    """A supervisor's username and password close the counter; Enter moves on, Esc keeps it running."""

    def __init__(self, auth: Callable[[], AuthService], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Close the counter"))
        self.setModal(True)
        self.setMinimumWidth(720)
        self._auth = auth
        self.approver: OperatorSession | None = None
        what = QLabel(
            self.tr("This counter is in kiosk mode. A supervisor's username and password close it."),
            wordWrap=True,
        )
        self.username = QLineEdit(objectName="leaveUsername")
        self.password = QLineEdit(objectName="leavePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Supervisor"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.error = InlineError()
        self.error.setObjectName("leaveError")
        self.leave = QPushButton(self.tr("Close the counter"), objectName="leaveKiosk")
        set_kind(self.leave, "danger")
        self.leave.setAutoDefault(False)
        self.stay = QPushButton(self.tr("Keep it running"), objectName="stayInKiosk")
        self.stay.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.stay)
        buttons.addStretch(1)
        buttons.addWidget(self.leave)
        column = QVBoxLayout(self)
        column.addWidget(what)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addLayout(buttons)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.leave.clicked.connect(self.submit)
        self.stay.clicked.connect(self.reject)
        self.username.setFocus()

    def submit(self) -> None:
        if not self.leave.isEnabled():
            return
        auth, username, password = self._auth, self.username.text(), self.password.text()
        self.leave.setEnabled(False)
        self.error.clear()
        # Argon2 and the audit entry: on the database lane, like every sign-in.
        run_in_background(
            self, lambda: auth().approve_leaving_kiosk_mode(username, password), self._done, self._failed
        )

    def _done(self, approver: OperatorSession) -> None:
        self.approver = approver
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.leave.setEnabled(True)
        self.password.clear()
        self.error.show_error(exc)
        self.password.setFocus()


class KioskMode(QObject):
    """What kiosk mode does to the counter's window; with ``on`` False it lets everything through."""

    def __init__(self, window: QWidget, auth: Callable[[], AuthService], on: bool):
        super().__init__(window)
        self.on = on
        self._window = window
        self._auth = auth
        self._released = False
        self.dialog: LeaveKioskDialog | None = None
        if not on:
            return
        flags = (
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.CustomizeWindowHint  # only the hints asked for: no close, minimise or maximise
        )
        window.setWindowFlags(flags)
        shortcut = QShortcut(QKeySequence(LEAVE_SHORTCUT), window, self.ask_to_leave)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def may_close(self) -> bool:
        return not self.on or self._released

    def release(self) -> None:
        """The window may close now (a supervisor approved, or the counter cannot go on anyway)."""
        self._released = True

    def ask_to_leave(self) -> None:
        if self.dialog is not None:
            return
        self.dialog = dialog = LeaveKioskDialog(self._auth, self._window)
        dialog.accepted.connect(self._leave)
        dialog.finished.connect(self._forget_dialog)
        dialog.open()

    def _forget_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def _leave(self) -> None:
        self.release()
        self._window.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Alt+F4 reaches Qt where no window manager takes it first (Windows' system menu, bare X): swallow it.
        if (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_F4
            and event.modifiers() & Qt.KeyboardModifier.AltModifier
            and not self._released
        ):
            event.accept()
            return True
        return False
