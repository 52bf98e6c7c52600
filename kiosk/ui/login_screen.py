"""Signing in at the counter: user name, password, one big button; the service's own words when it fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, run_in_background
from kiosk_core.errors import AuthFailed

if TYPE_CHECKING:
    from kiosk.services.auth import AuthService
    from kiosk.services.views import OperatorSession


class LoginScreen(QWidget):
    logged_in = Signal(object)  # OperatorSession

    def __init__(self, auth: Callable[[], AuthService], parent: QWidget | None = None):
        super().__init__(parent)
        self._auth = auth  # read on the worker: the first sign-in may wait there for the services' build
        self._busy = False  # a second Enter while the first is checked does nothing

        title = QLabel(self.tr("Staff sign-in"))
        set_kind(title, "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("Your user name"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Your password"))
        self.sign_in = QPushButton(self.tr("Sign in"))
        self.sign_in.setObjectName("signIn")
        set_kind(self.sign_in, "primary")
        self.error = InlineError()
        self.error.setObjectName("loginError")

        form = QFormLayout()
        form.setVerticalSpacing(16)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)

        panel = QWidget()
        panel.setMaximumWidth(720)
        column = QVBoxLayout(panel)
        column.setSpacing(20)
        column.addWidget(title)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(self.sign_in)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(panel, 4)  # as wide as allowed, so long messages wrap less
        middle.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)

        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.sign_in.clicked.connect(self.submit)
        self.setFocusProxy(self.username)

    def submit(self) -> None:
        if self._busy:
            return
        username, password = self.username.text(), self.password.text()
        self._busy = True
        self.sign_in.setEnabled(False)
        # Three steps, each on its lane (AuthService.login is the same, waited for): the centre's answer may
        # take seconds, and the database lane must not wait for it.
        run_in_background(
            self,
            lambda: self._auth().check_locally(username, password),
            lambda session: self._ask_centre(session, password),
            self._on_failed,
            lane=Lane.DATABASE,
        )

    def _ask_centre(self, session: OperatorSession, password: str) -> None:
        def refused(exc: Exception) -> None:
            if isinstance(exc, AuthFailed):
                self._record_refusal(session, exc)
            else:
                self._on_failed(exc)

        run_in_background(
            self,
            lambda: self._auth().ask_centre(session, password),
            lambda _none: self._on_succeeded(session),
            refused,
            lane=Lane.NETWORK,
        )

    def _record_refusal(self, session: OperatorSession, refusal: AuthFailed) -> None:
        run_in_background(
            self,
            lambda: self._auth().record_refusal(session, refusal),
            lambda _none: self._on_failed(refusal),
            self._on_failed,
            lane=Lane.DATABASE,
        )

    def reset(self) -> None:
        """Ready for the next operator: nothing of the previous one left on screen."""
        self.username.clear()
        self.password.clear()
        self.error.clear()
        self.sign_in.setEnabled(True)
        self.username.setFocus()

    def _on_succeeded(self, session: OperatorSession) -> None:
        self._busy = False
        self.sign_in.setEnabled(True)
        self.password.clear()
        self.error.clear()
        self.logged_in.emit(session)

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        self.sign_in.setEnabled(True)
        self.error.show_error(exc)
        self.password.clear()
        self.password.setFocus()
