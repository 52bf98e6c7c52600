"""The always-visible sync strip: online or not, last sync, what is still to send, and "sync now".

The sync worker reports each round; between rounds the strip reads the status again by itself when the change
notice says a registration or the sync state moved (a registration made here is one more to send).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from kiosk.services.changes import Change
from kiosk.services.clock import Clock, system_clock
from kiosk.services.views import SyncStatus
from kiosk.ui import theme
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.workers import run_in_background

if TYPE_CHECKING:
    from kiosk.ui.change_relay import ChangeRelay


class SyncRelay(QObject):
    """The sync worker calls these from its own thread; Qt delivers them on the GUI thread."""

    status_changed = Signal(object)  # SyncStatus
    progress_changed = Signal(float, str)

    def report_status(self, status: SyncStatus) -> None:
        self.status_changed.emit(status)

    def report_progress(self, fraction: float, text: str) -> None:
        self.progress_changed.emit(fraction, text)


class SyncBar(QWidget):
    sync_requested = Signal()
    rejected_requested = Signal()

    def __init__(
        self,
        relay: SyncRelay,
        parent: QWidget | None = None,
        *,
        clock: Clock = system_clock,
        status: Callable[[], SyncStatus] | None = None,
        changes: ChangeRelay | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("syncBar")
        self._clock = clock
        self._read_status = status  # read on the database lane
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.state = QLabel()
        self.state.setObjectName("syncState")
        self.state.setWordWrap(
            True
        )  # the centre's reason can be long: it wraps, never pushes the window wider
        self.last = QLabel()
        self.unsent = QLabel()
        self.rejected = QPushButton()
        self.rejected.setObjectName("syncRejected")
        theme.set_kind(self.rejected, "danger")
        self.rejected.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.rejected.clicked.connect(self.rejected_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.now = QPushButton(self.tr("Sync now"))
        self.now.setObjectName("syncNow")
        self.now.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.now.clicked.connect(self._on_now)
        # One line when there is room, more when the text is large or the window narrow (1366 px at A+).
        row = FlowLayout(self, spacing=20)
        row.setContentsMargins(16, 2, 16, 2)
        for w in (self.state, self.last, self.unsent, self.rejected, self.progress, self.now):
            row.addWidget(w)
        relay.status_changed.connect(self.show_status)
        relay.progress_changed.connect(self.show_progress)
        if changes is not None:
            changes.connect_to((Change.REGISTRATION, Change.SYNC_STATE), self.refresh, self)
        self.status: SyncStatus | None = None
        self.show_status(
            SyncStatus(
                enrolled=False,
                online=False,
                last_sync_at=None,
                last_catalog_sync_at=None,
                unsent=0,
                rejected=0,
            )
        )

    def refresh(self) -> None:
        """Read the status again (on the database lane) and show it; a round under way keeps its progress."""
        if self._read_status is not None:
            run_in_background(self, self._read_status, self._refreshed, lambda _exc: None)

    def _refreshed(self, status: SyncStatus) -> None:
        syncing = not self.progress.isHidden() and self.progress.value() < 100
        self.show_status(status)
        if syncing:
            self.progress.show()
            self.now.setEnabled(False)

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        self.progress.hide()
        self.now.setEnabled(status.enrolled)
        self.now.setVisible(status.enrolled)
        if not status.enrolled:
            self._set_state("standalone", self.tr("Working on its own (no central service set)"))
        elif status.device_disabled:
            # Not "offline": the network is fine, an administrator has to act (kiosk-central enable-device).
            self._set_state(
                "refused",
                self.tr("● This counter's device is disabled by the centre: registrations are kept here"),
            )
        elif status.online:
            self._set_state("online", self.tr("● Online"))
        else:
            offline = self.tr("● Offline: registrations are kept here and sent later")
            self._set_state("offline", f"{offline}  {status.message}".strip())
        self.last.setText(
            self.tr("Last sync {time}").format(
                time=_when(status.last_sync_at, self.tr("never"), self._clock())
            )
        )
        self.last.setVisible(status.enrolled)
        self.unsent.setText(self.tr("Not yet sent: {n}").format(n=status.unsent))
        self.unsent.setVisible(status.enrolled)
        self.rejected.setText(self.tr("Turned down by the centre: {n}").format(n=status.rejected))
        self.rejected.setVisible(status.rejected > 0)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.show()
        self.progress.setValue(round(fraction * 100))
        self.progress.setFormat(f"{text} %p%")
        # As wide as its words at any text size ("100%" being the widest number), never cut off.
        words = self.progress.fontMetrics().horizontalAdvance(f"{text} 100%")
        self.progress.setMinimumWidth(words + self.progress.fontMetrics().averageCharWidth() * 4)
        self.now.setEnabled(fraction >= 1.0)

    def _on_now(self) -> None:
        self.now.setEnabled(False)
        self.show_progress(0.0, self.tr("Syncing"))
        self.sync_requested.emit()

    def _set_state(self, kind: str, text: str) -> None:
        self.state.setText(text)
        self.state.setProperty("state", kind)
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)


def _when(at: datetime | None, never: str, now: datetime) -> str:
    if at is None:
        return never
    return f"{at:%H:%M}" if at.date() == now.date() else f"{at:%m-%d %H:%M}"
