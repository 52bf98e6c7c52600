"""An unexpected error in a slot: logged with its traceback, then back to the sign-in with the work kept.

The public in the hall sees a calm sentence, never a traceback. Nothing saved is touched and the pages are not
reset, so the household's draft is still on the wizard for whoever signs in next.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, SignalInstance

from kiosk.services.failures import log_unexpected
from kiosk.ui import messages
from kiosk_core.errors import KioskError

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class Shell(Protocol):
    """The part of the counter's window a fault needs."""

    def sign_out_keeping_work(self) -> None: ...


class FaultRecovery(QObject):
    recovered = Signal()

    def __init__(self, shell: Shell, signed_in: SignalInstance, parent: QObject | None = None):
        super().__init__(parent)
        self._shell = shell
        self._showing = False
        signed_in.connect(self._on_signed_in)

    def install(self) -> Hook:
        """Become sys.excepthook (in front of the one before, which still gets a KioskError); returns that one."""
        previous = sys.excepthook

        def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            if isinstance(exc, KioskError) or not isinstance(exc, Exception):
                previous(exc_type, exc, tb)
                return
            self.handle(exc)

        sys.excepthook = hook
        return previous

    def handle(self, exc: BaseException) -> None:
        logged = log_unexpected(exc, "unexpected error on the counter's screen")
        # Not from inside the failing slot (or paint event): on the next turn of the event loop.
        QTimer.singleShot(0, self, lambda: self._recover(logged))

    def _recover(self, logged: bool) -> None:
        self._shell.sign_out_keeping_work()
        text = QCoreApplication.translate(
            "FaultRecovery",
            "Something went wrong. Nothing was lost: saved registrations and the household's details "
            "entered so far are kept.",
        )
        hint = (
            QCoreApplication.translate(
                "FaultRecovery", "Please sign in again to go on; it has been logged for technical support"
            )
            if logged
            else QCoreApplication.translate(
                "FaultRecovery",
                "Please sign in again to go on; the log could not be written, so tell technical support "
                "what you did and when",
            )
        )
        messages.show(messages.Level.ERROR, text, hint)
        self._showing = True
        self.recovered.emit()

    def _on_signed_in(self, _session: object) -> None:
        if self._showing:
            self._showing = False
            messages.clear()
