"""Step 4: the plan's notice in large type, read aloud on request; registering needs the acknowledgement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.catalog import CatalogService
from kiosk.services.clock import Clock, system_clock
from kiosk.services.views import NoticeView
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.registration.screens import MessageLabel, Screen, label, scaled_font

if TYPE_CHECKING:
    from kiosk.platform.speech import SpeechEngine
    from kiosk.ui.registration.draft_state import DraftState

RATES = (0.75, 1.0, 1.25, 1.5)


class AckBox(QCheckBox):
    """The acknowledgement: the whole wide box is the target, not only the small square and its words."""

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 - Qt override
        return self.rect().contains(pos)


class NoticeScreen(Screen):
    def __init__(
        self,
        state: DraftState,
        catalog: CatalogService,
        speech: SpeechEngine,
        clock: Clock = system_clock,
        parent: QWidget | None = None,
    ):
        super().__init__(state, parent)
        self._catalog = catalog
        self._speech = speech
        self._clock = clock
        self.notice: NoticeView | None = None
        self._speaking: tuple[int, int] | None = None  # (plan, notice version) the engine was asked to read
        self.read_aloud_versions: set[tuple[int, int]] = set()  # (plan, version) read through to the end
        self.title = label(kind="subtitle")
        self.message = MessageLabel()
        self.text = QTextBrowser(objectName="noticeText")
        self.text.setFont(scaled_font(self.text, 1.25))
        self.text.setOpenLinks(False)
        self.speak_button = self._button(self.tr("▶ Read aloud"), "speakButton", self._on_speak)
        self.pause_button = self._button(self.tr("Pause"), "pauseButton", self._speech.pause)
        self.resume_button = self._button(self.tr("Resume"), "resumeButton", self._speech.resume)
        self.replay_button = self._button(self.tr("Replay"), "replayButton", self._on_replay)
        self.rate_combo = QComboBox(objectName="rateCombo")
        self.rate_combo.setMinimumHeight(52)
        self.rate_combo.setMinimumWidth(140)
        names = (self.tr("Slow"), self.tr("Normal"), self.tr("Faster"), self.tr("Fast"))
        for rate, name in zip(RATES, names, strict=True):
            self.rate_combo.addItem(name, rate)
        self.rate_combo.setCurrentIndex(1)
        self.rate_combo.currentIndexChanged.connect(self._on_rate_changed)
        self.speech_status = label(name="speechStatus")
        self.ack = AckBox(
            self.tr("The applicant has read the registration notice carefully"), objectName="ackBox"
        )
        self.ack.setFont(scaled_font(self.ack, 1.1, bold=True))
        self.ack.toggled.connect(self._on_ack_toggled)
        # The controls wrap onto more lines at large text instead of widening the screen.
        bar = FlowLayout(spacing=10)
        for button in (self.speak_button, self.pause_button, self.resume_button, self.replay_button):
            bar.addWidget(button)
        speed = label(self.tr("Speed"), wrap=False)
        speed_box = QHBoxLayout()
        speed_box.addWidget(speed)
        speed_box.addWidget(self.rate_combo)
        bar.addItem(speed_box)
        bar.addWidget(self.speech_status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.text, 1)
        layout.addLayout(bar)
        layout.addWidget(self.ack)
        speech.state_changed.connect(self._on_speech_state)
        speech.finished.connect(self._on_speech_finished)
        speech.failed.connect(self._on_speech_failed)
        state.ack_changed.connect(self._on_state_ack_changed)
        self._on_speech_state(speech.state)
        # No voice on this machine: no dead buttons, just the reason (staff read the notice out).
        controls = (self.speak_button, self.pause_button, self.resume_button, self.replay_button, speed)
        for widget in (*controls, self.rate_combo):
            widget.setVisible(speech.available)
        if not speech.available:
            self.speech_status.setProperty("kind", "notice")

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setMinimumHeight(52)
        button.clicked.connect(slot)
        return button

    # --- wizard ---
    def primary_enabled(self) -> bool:
        return not self.busy and self.notice is not None and self.ack.isChecked()

    def enter(self) -> None:
        plan = self.state.plan
        if plan is None:
            return
        # Loaded each time: a newer version published meanwhile must be read (and acknowledged) again.
        if self.notice is None or self.notice.plan_id != plan.id:
            self.show_notice(None)
        self.run(lambda: self._catalog.notice(plan.id), self.show_notice, self._on_failed)

    def leave(self) -> None:
        self._speech.stop()  # never talk over the next screen
        self._speaking = None

    def clear(self) -> None:
        self._speech.stop()
        self._speaking = None
        self.read_aloud_versions.clear()
        self.show_notice(None)

    def default_focus(self) -> QWidget:
        return self.ack

    def go_on(self) -> None:
        if self.primary_enabled():
            self.step_done.emit()

    @property
    def read_aloud(self) -> bool:
        n = self.notice
        return n is not None and (n.plan_id, n.version) in self.read_aloud_versions

    # --- slots ---
    def show_notice(self, notice: NoticeView | None) -> None:
        self.notice = notice
        self.message.clear_message()
        if notice is None:
            self.title.setText(self.tr("Registration notice"))
            self.text.clear()
        else:
            self.title.setText(self.tr("{title} (version {v})").format(title=notice.title, v=notice.version))
            self.text.setPlainText(notice.text)
        self._sync_ack()
        self._on_speech_state(self._speech.state)

    def _sync_ack(self) -> None:
        n, ack = self.notice, self.state.ack
        checked = n is not None and ack is not None and ack.version == n.version and ack.plan_id == n.plan_id
        self.ack.blockSignals(True)
        self.ack.setChecked(checked)
        self.ack.blockSignals(False)
        self.ack.setEnabled(n is not None)
        self.primary_changed.emit()

    def _on_failed(self, exc: Exception) -> None:
        self.message.show_error(exc)

    def _on_ack_toggled(self, checked: bool) -> None:
        n = self.notice
        if checked and n is not None:
            self.state.acknowledge(n.plan_id, n.version, self.read_aloud, self._clock())
        else:
            self.state.withdraw_ack()

    def _on_state_ack_changed(self) -> None:
        self._sync_ack()

    def _key(self) -> tuple[int, int] | None:
        return (self.notice.plan_id, self.notice.version) if self.notice is not None else None

    def _on_speak(self) -> None:
        if self.notice is not None:
            self._speaking = self._key()
            self._speech.speak(f"{self.notice.title}。{self.notice.text}")

    def _on_replay(self) -> None:
        if self.notice is None:
            return
        if self._speaking != self._key():
            self._on_speak()
        else:
            self._speech.replay()

    def _on_rate_changed(self) -> None:
        self._speech.set_rate(float(self.rate_combo.currentData()))

    def _on_speech_finished(self) -> None:
        n = self.notice
        if n is None or self._speaking != self._key():
            return
        self.read_aloud_versions.add((n.plan_id, n.version))
        if self.state.ack is not None:  # ticked while it was still being read: the record says read aloud
            self.state.acknowledge(n.plan_id, n.version, True, self.state.ack.at)
        self.speech_status.setText(self.tr("The notice has been read aloud to the end."))

    def _on_speech_failed(self, reason: str) -> None:
        self.speech_status.setText(reason)

    def _on_speech_state(self, speech_state: str) -> None:
        engine = self._speech
        ready = engine.available and self.notice is not None
        self.speak_button.setEnabled(ready and speech_state == "idle")
        self.pause_button.setEnabled(ready and speech_state in ("preparing", "speaking"))
        self.resume_button.setEnabled(ready and speech_state == "paused")
        self.replay_button.setEnabled(ready and self._speaking is not None)
        self.rate_combo.setEnabled(engine.available)
        if not engine.available:
            self.speech_status.setText(engine.unavailable_reason)
            return
        texts = {
            "preparing": self.tr("Preparing speech…"),
            "speaking": self.tr("Reading aloud…"),
            "paused": self.tr("Paused"),
        }
        if speech_state in texts:
            self.speech_status.setText(texts[speech_state])
        elif not self.read_aloud:
            self.speech_status.setText(self.tr("Voice: {name}").format(name=engine.name))
        else:
            self.speech_status.setText(self.tr("The notice has been read aloud to the end."))
        self.speech_status.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
