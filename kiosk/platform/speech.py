"""Reading the plan's notice aloud in Mandarin: Qt system voices, espeak-ng + aplay, or nothing."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QProcess, QTemporaryDir, Signal

if TYPE_CHECKING:
    pass

_log = logging.getLogger(__name__)

IDLE = "idle"
PREPARING = "preparing"
SPEAKING = "speaking"
PAUSED = "paused"

MIN_RATE = 0.5
MAX_RATE = 2.0
ESPEAK_VOICE = "cmn-latn-pinyin"
ESPEAK_NORMAL_WPM = 175  # espeak-ng's own default speed
# A short ALSA buffer bounds how much audio still plays after SIGSTOP (the buffered part drains).
APLAY_BUFFER_US = 200_000
NO_ENGINE_REASON = "本机没有可用的普通话语音引擎，请工作人员朗读告知书"


class SpeechEngine(QObject):
    """Port: reads a text aloud without blocking; staff drive it with pause, resume, replay and speed.

    The base does nothing, which is all the null engine needs; adapters override the actions.
    """

    state_changed = Signal(str)  # IDLE, PREPARING, SPEAKING or PAUSED
    finished = Signal()  # read through to the end (not after stop())
    failed = Signal(str)  # Chinese message for staff; the engine is IDLE again

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = IDLE
        self._rate = 1.0

    @property
    def available(self) -> bool:
        return False

    @property
    def name(self) -> str:
        return ""

    @property
    def unavailable_reason(self) -> str:
        return "" if self.available else NO_ENGINE_REASON

    @property
    def state(self) -> str:
        return self._state

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        """0.5 … 2.0, 1.0 normal; takes effect on the next speak() or replay()."""
        self._rate = min(MAX_RATE, max(MIN_RATE, rate))

    def speak(self, text: str) -> None:
        """Read text from the start, replacing whatever is being read."""

    def pause(self) -> None:
        """Hold reading (also while preparing); resume() goes on from there."""

    def resume(self) -> None:
        """Go on after pause()."""

    def stop(self) -> None:
        """Stop reading without finished(); state goes back to IDLE."""

    def replay(self) -> None:
        """Read the last text again from the start, at the current rate."""

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)


class NullSpeechEngine(SpeechEngine):
    """No voice on this machine: the screen shows the reason and staff read the notice."""

    @property
    def name(self) -> str:
        return "none"


class EspeakSpeechEngine(SpeechEngine):
    """espeak-ng synthesises a WAV (QProcess), aplay plays it (QProcess); pause is SIGSTOP on aplay.

    Call stop() before dropping the engine, so no child process outlives it.
    """

    def __init__(self, audio_device: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._audio_device = audio_device
        self._voice_checked: bool | None = None
        self._workdir = QTemporaryDir()
        self._wav = Path(self._workdir.path()) / "notice.wav"
        self._text = ""
        self._cached: tuple[str, float] | None = None  # (text, rate) that self._wav holds
        self._synth_key: tuple[str, float] | None = None
        self._hold = False  # paused before playback started: start it on resume()
        self._halting = False  # finished() of processes we kill is not news
        # Two long-lived processes, restarted for each run, so no signal outlives its QProcess.
        self._synth = QProcess(self)
        self._synth.setProgram("espeak-ng")
        self._synth.finished.connect(self._on_synth_finished)
        self._synth.errorOccurred.connect(self._on_synth_error)
        self._player = QProcess(self)
        self._player.setProgram("aplay")
        self._player.started.connect(self._on_play_started)
        self._player.finished.connect(self._on_play_finished)
        self._player.errorOccurred.connect(self._on_play_error)

    @property
    def available(self) -> bool:
        if self._voice_checked is None:
            self._voice_checked = _espeak_has_voice(ESPEAK_VOICE)
        return self._voice_checked

    @property
    def name(self) -> str:
        return "espeak-ng"

    @property
    def unavailable_reason(self) -> str:
        if self.available:
            return ""
        if shutil.which("espeak-ng") is None:
            return "未安装 espeak-ng，无法朗读告知书，请工作人员朗读"
        return f"espeak-ng 缺少普通话语音（{ESPEAK_VOICE}），请工作人员朗读告知书"

    @property
    def cached_wav(self) -> Path | None:
        """The synthesised notice that replay() plays again, if any."""
        return self._wav if self._cached is not None else None

    def speak(self, text: str) -> None:
        self._halt()
        self._text = text.strip()
        self._hold = False
        if not self._text:
            self._set_state(IDLE)
        elif self._cached == (self._text, self._rate):
            self._start_playback()
        else:
            self._start_synthesis()

    def replay(self) -> None:
        if self._text:
            self.speak(self._text)

    def pause(self) -> None:
        if self._state in (PREPARING, SPEAKING) or _running(self._player):
            self._hold = True
            self._signal_player(signal.SIGSTOP)
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self._state != PAUSED:
            return
        self._hold = False
        if _running(self._player):
            self._signal_player(signal.SIGCONT)
            self._set_state(SPEAKING)
        elif _running(self._synth):
            self._set_state(PREPARING)
        else:
            self._start_playback()

    def stop(self) -> None:
        self._halt()
        self._hold = False
        self._set_state(IDLE)

    def _start_synthesis(self) -> None:
        self._cached = None
        text_file = Path(self._workdir.path()) / "notice.txt"
        text_file.write_text(self._text, encoding="utf-8")
        wpm = round(ESPEAK_NORMAL_WPM * self._rate)
        self._synth_key = (self._text, self._rate)
        self._synth.setArguments(
            ["-v", ESPEAK_VOICE, "-s", str(wpm), "-w", str(self._wav), "-f", str(text_file)]
        )
        self._synth.start()
        self._set_state(PREPARING)

    def _start_playback(self) -> None:
        args = ["-q", f"--buffer-time={APLAY_BUFFER_US}"]
        if self._audio_device:
            args += ["-D", self._audio_device]
        self._player.setArguments([*args, str(self._wav)])
        self._player.start()

    def _on_synth_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._halting:
            return
        if status != QProcess.ExitStatus.NormalExit or code != 0:
            self._fail(f"无法合成语音：espeak-ng 出错（{_last_line(self._synth) or f'退出码 {code}'}）")
            return
        self._cached = self._synth_key
        if not self._hold:
            self._start_playback()

    def _on_play_started(self) -> None:
        if self._hold:  # pause() came while aplay was starting
            self._signal_player(signal.SIGSTOP)
        else:
            self._set_state(SPEAKING)

    def _on_play_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._halting:
            return
        if status == QProcess.ExitStatus.NormalExit and code == 0:
            self._set_state(IDLE)
            self.finished.emit()
            return
        detail = _last_line(self._player)
        _log.warning("aplay failed (exit %s): %s", code, detail)
        if "audio open error" in detail:
            self._fail(f"无法播放声音：未找到音频设备（{self._audio_device or 'default'}）")
        else:
            self._fail(f"无法播放声音：aplay 出错（{detail or f'退出码 {code}'}）")

    # A failed start emits only errorOccurred; every other error also emits finished(), handled there.
    def _on_synth_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._fail("无法合成语音：未找到 espeak-ng，请安装 espeak-ng")

    def _on_play_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._fail("无法播放声音：未找到 aplay，请安装 alsa-utils")

    def _signal_player(self, sig: signal.Signals) -> None:
        pid = self._player.processId()
        if pid > 0:
            with suppress(ProcessLookupError):  # exited already; its finished() is on its way
                os.kill(pid, sig)

    def _halt(self) -> None:
        """Kill synthesis and playback without reporting their end."""
        self._halting = True
        try:
            for process in (self._synth, self._player):
                if _running(process):
                    process.kill()  # SIGKILL also ends a SIGSTOPped aplay
                    process.waitForFinished(1000)  # a killed child is reaped in well under a millisecond
        finally:
            self._halting = False

    def _fail(self, message: str) -> None:
        self._halt()
        self._hold = False
        self._set_state(IDLE)
        self.failed.emit(message)


def create_speech_engine(preference: str = "auto", audio_device: str | None = None) -> SpeechEngine:
    """Pick the engine: "auto" is a Qt Mandarin voice, else espeak-ng, else none; the others force one."""
    if preference == "none":
        return NullSpeechEngine()
    from kiosk.platform.qt_speech import QtSpeechEngine

    if preference == "qt":
        return QtSpeechEngine()
    if preference == "espeak":
        return EspeakSpeechEngine(audio_device)
    if preference != "auto":
        raise ValueError(f"unknown speech engine preference: {preference!r}")
    qt_engine = QtSpeechEngine()
    if qt_engine.available:
        return qt_engine
    qt_engine.deleteLater()
    espeak = EspeakSpeechEngine(audio_device)
    return espeak if espeak.available else NullSpeechEngine()


def _espeak_has_voice(voice: str) -> bool:
    # Runs once per engine on first use; measured 8–25 ms here.
    if shutil.which("espeak-ng") is None:
        return False
    try:
        listing = subprocess.run(
            ["espeak-ng", f"--voices={voice.split('-')[0]}"], capture_output=True, text=True, timeout=2
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return any(voice in line.split() for line in listing.stdout.splitlines())


def _running(process: QProcess) -> bool:
    return process.state() != QProcess.ProcessState.NotRunning


def _last_line(process: QProcess) -> str:
    lines = bytes(process.readAllStandardError().data()).decode(errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else ""
