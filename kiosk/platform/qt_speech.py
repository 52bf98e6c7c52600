"""Qt's own text-to-speech (SAPI/WinRT voices on Windows) behind the counter's speech engine."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, qInstallMessageHandler

from kiosk.platform.speech import (
    IDLE,
    PAUSED,
    PREPARING,
    SPEAKING,
    SpeechEngine,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType
    from PySide6.QtTextToSpeech import QTextToSpeech

_log = logging.getLogger(__name__)


class QtSpeechEngine(SpeechEngine):
    """The system's voices through QTextToSpeech (SAPI/WinRT on Windows), when one speaks the language."""

    def __init__(
        self,
        engine: str | None = None,
        language: QLocale.Language = QLocale.Language.Chinese,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._text = ""
        self._expect_finish = False
        self._voice_name = ""
        self._tts = self._find_engine(engine, language)
        if self._tts is not None:
            self._tts.stateChanged.connect(self._on_tts_state_changed)

    @property
    def available(self) -> bool:
        return self._tts is not None

    @property
    def name(self) -> str:
        return f"{self._tts.engine()}: {self._voice_name}" if self._tts is not None else "qt"

    @property
    def unavailable_reason(self) -> str:
        return "" if self.available else "系统语音中没有普通话语音，请工作人员朗读告知书"

    def speak(self, text: str) -> None:
        if self._tts is None:
            return
        self._text = text.strip()
        self._expect_finish = False
        self._tts.stop()
        if self._text:
            self._tts.setRate(math.log2(self._rate))  # 0.5 … 2.0 onto Qt's -1 … 1
            self._expect_finish = True
            self._tts.say(self._text)

    def replay(self) -> None:
        if self._text:
            self.speak(self._text)

    def pause(self) -> None:
        if self._tts is not None and self._state == SPEAKING:
            self._tts.pause()

    def resume(self) -> None:
        if self._tts is not None and self._state == PAUSED:
            self._tts.resume()

    def stop(self) -> None:
        self._expect_finish = False
        if self._tts is not None:
            self._tts.stop()

    def _find_engine(self, engine: str | None, language: QLocale.Language) -> QTextToSpeech | None:
        with _qt_messages_logged():  # probing plug-ins warns about missing libraries and daemons
            from PySide6.QtTextToSpeech import QTextToSpeech

            names = [engine] if engine else [e for e in QTextToSpeech.availableEngines() if e != "mock"]
            for name in names:
                tts = QTextToSpeech(name, self)
                if tts.state() != QTextToSpeech.State.Error:
                    for locale in tts.availableLocales():
                        voices = tts.allVoices(locale) if locale.language() == language else []
                        if voices:
                            tts.setVoice(voices[0])
                            self._voice_name = voices[0].name()
                            return tts
                _log.info("speech engine %s has no %s voice: %s", name, language.name, tts.errorString())
                tts.deleteLater()
        return None

    def _on_tts_state_changed(self, qt_state: QTextToSpeech.State) -> None:
        if qt_state.name == "Ready":
            was_speaking = self._state == SPEAKING
            self._set_state(IDLE)
            if was_speaking and self._expect_finish:
                self._expect_finish = False
                self.finished.emit()
        elif qt_state.name == "Error":
            self._expect_finish = False
            self._set_state(IDLE)
            reason = self._tts.errorString() if self._tts is not None else ""
            self.failed.emit(f"语音引擎出错：{reason}")
        else:
            self._set_state(
                {"Speaking": SPEAKING, "Paused": PAUSED, "Synthesizing": PREPARING}[qt_state.name]
            )


@contextmanager
def _qt_messages_logged() -> Iterator[None]:
    """Send Qt's messages to the log for a moment (e.g. while probing plug-ins), then restore the handler."""

    def to_log(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        _log.info("Qt %s: %s", context.category, message)

    previous = qInstallMessageHandler(to_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
