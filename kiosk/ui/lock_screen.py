"""The idle lock's cover: hides the work beneath; only the same operator's password takes it off."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.i18n import operator_label
from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, run_in_background

if TYPE_CHECKING:
    from kiosk.services.auth import AuthService
    from kiosk.services.views import OperatorSession


class LockScreen(QWidget):
    unlocked = Signal(object)  # OperatorSession
    switch_user_requested = Signal()

    def __init__(self, auth: Callable[[], AuthService], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._auth = auth  # read on the worker: the first sign-in may wait there for the services' build
        self._session: OperatorSession | None = None
        self._busy = False

        title = QLabel(self.tr("Screen locked"))
        set_kind(title, "title")
        self.who = QLabel()
        set_kind(self.who, "subtitle")
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setObjectName("unlock")
        set_kind(self.unlock_button, "primary")
        self.switch_user = QPushButton(self.tr("Switch user"))
        self.switch_user.setObjectName("switchUser")
        self.error = InlineError()
        self.error.setObjectName("unlockError")

        for label in (title, self.who, self.prompt):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_user)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        panel = QWidget()
        panel.setMaximumWidth(760)
        column = QVBoxLayout(panel)
        column.setSpacing(20)
        for w in (title, self.who, self.prompt, self.password, self.error):
            column.addWidget(w)
        column.addLayout(buttons)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(panel, 4)  # as wide as allowed, so long messages wrap less
        middle.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)

        self.password.returnPressed.connect(self.submit)
        self.unlock_button.clicked.connect(self.submit)
        self.switch_user.clicked.connect(self.switch_user_requested)
        self.setFocusProxy(self.password)

    def lock(self, session: OperatorSession) -> None:
        """Cover the screen for ``session``'s operator; nothing typed before is kept."""
        self._session = session
        self.who.setText(operator_label(session))
        self.prompt.setText(
            self.tr("Enter {name}'s password to continue, or switch user.").format(name=session.display_name)
        )
        self.password.clear()
        self.error.clear()
        self.unlock_button.setEnabled(True)

    def submit(self) -> None:
        session = self._session
        if self._busy or session is None:
            return
        password = self.password.text()
        self._busy = True
        self.unlock_button.setEnabled(False)
        # The local check alone (the centre is asked at sign-in only), so all of it on the database lane.
        run_in_background(
            self,
            lambda: self._auth().unlock(session, password),
            self._on_succeeded,
            self._on_failed,
            lane=Lane.DATABASE,
        )

    def _on_succeeded(self, session: OperatorSession) -> None:
        self._busy = False
        self.password.clear()
        self.error.clear()
        self.unlock_button.setEnabled(True)
        self.unlocked.emit(session)

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.error.show_error(exc)
        self.password.clear()
        self.password.setFocus()
