"""Reading the notice aloud: espeak-ng + aplay for real, Qt's voices, the null engine and the factory."""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTimer
from pytestqt.qtbot import QtBot

from kiosk.platform.qt_speech import QtSpeechEngine
from kiosk.platform.speech import (
    IDLE,
    PAUSED,
    PREPARING,
    SPEAKING,
    EspeakSpeechEngine,
    NullSpeechEngine,
    SpeechEngine,
    create_speech_engine,
)

NOTICE = (
    "申请人须如实填写申请表，并按规定时间到服务窗口办理登记手续。"
    "逾期未办理的，视为自动放弃本次配租资格，由此产生的后果自行承担。"
)  # 62 characters


@pytest.fixture
def engine(qtbot: QtBot) -> Iterator[EspeakSpeechEngine]:
    """espeak-ng playing to ALSA's null device, which swallows audio at once (no real-time pacing)."""
    speech = EspeakSpeechEngine(audio_device="null")
    yield speech
    speech.stop()


@pytest.fixture
def held_device(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """An ALSA device writing into a FIFO the test drains: aplay can only play as far as the test reads."""
    fifo = tmp_path / "sound-card"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    yield f"file:FILE={fifo},FORMAT=raw", reader
    os.close(reader)


def drain(fd: int) -> int:
    total = 0
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return total
        if not chunk:
            return total
        total += len(chunk)


def record_states(speech: SpeechEngine) -> list[str]:
    states: list[str] = []
    speech.state_changed.connect(states.append)
    return states


def aplay_children() -> dict[int, str]:
    """pid → process state letter ('T' when stopped) for the aplay processes this test started."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if comm == "aplay" and int(ppid) == os.getpid():
            found[int(entry.name)] = state
    return found


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return float(audio.getnframes() / audio.getframerate())


def test_speaks_a_notice_to_the_end(qtbot: QtBot, engine: EspeakSpeechEngine) -> None:
    assert engine.available and engine.unavailable_reason == ""
    states = record_states(engine)
    with qtbot.waitSignal(engine.finished, timeout=10_000):
        engine.speak(NOTICE)
    assert states == [PREPARING, SPEAKING, IDLE]
    assert engine.cached_wav is not None and wav_seconds(engine.cached_wav) > 5


def test_pause_stops_aplay_and_resume_plays_on(qtbot: QtBot, held_device: tuple[str, int]) -> None:
    device, reader = held_device
    speech = EspeakSpeechEngine(audio_device=device)
    speech.set_rate(2.0)
    with qtbot.waitSignal(speech.state_changed, check_params_cb=lambda s: s == SPEAKING, timeout=10_000):
        speech.speak(NOTICE)
    qtbot.waitUntil(lambda: len(aplay_children()) == 1)
    (pid,) = aplay_children()

    speech.pause()
    assert speech.state == PAUSED
    qtbot.waitUntil(lambda: aplay_children().get(pid) == "T")
    drain(reader)  # whatever aplay wrote before it stopped
    with qtbot.assertNotEmitted(speech.finished, wait=500):
        pass
    assert drain(reader) == 0, "a paused aplay must not write audio"
    assert aplay_children() == {pid: "T"}

    speech.resume()
    assert speech.state == SPEAKING
    qtbot.waitUntil(lambda: aplay_children().get(pid) in ("R", "S"))
    drainer = QTimer(interval=5)
    drainer.timeout.connect(lambda: drain(reader))
    drainer.start()
    with qtbot.waitSignal(speech.finished, timeout=10_000):
        pass
    drainer.stop()
    assert speech.state == IDLE and aplay_children() == {}


def test_stop_kills_playback_without_finishing(qtbot: QtBot, held_device: tuple[str, int]) -> None:
    speech = EspeakSpeechEngine(audio_device=held_device[0])
    with qtbot.waitSignal(speech.state_changed, check_params_cb=lambda s: s == SPEAKING, timeout=10_000):
        speech.speak(NOTICE)
    speech.pause()
    with qtbot.assertNotEmitted(speech.finished, wait=200), qtbot.assertNotEmitted(speech.failed):
        speech.stop()
    assert speech.state == IDLE and aplay_children() == {}


def test_pause_while_preparing_holds_playback_until_resume(qtbot: QtBot, engine: EspeakSpeechEngine) -> None:
    states = record_states(engine)
    engine.speak(NOTICE)
    engine.pause()
    qtbot.waitUntil(lambda: engine.cached_wav is not None, timeout=10_000)
    with qtbot.assertNotEmitted(engine.finished, wait=200):
        pass
    assert engine.state == PAUSED and aplay_children() == {}
    with qtbot.waitSignal(engine.finished, timeout=10_000):
        engine.resume()
    assert states == [PREPARING, PAUSED, SPEAKING, IDLE]


def test_replay_plays_the_cached_wav_again(qtbot: QtBot, engine: EspeakSpeechEngine) -> None:
    with qtbot.waitSignal(engine.finished, timeout=10_000):
        engine.speak(NOTICE)
    assert engine.cached_wav is not None
    synthesised_at = engine.cached_wav.stat().st_mtime_ns
    states = record_states(engine)
    with qtbot.waitSignal(engine.finished, timeout=10_000):
        engine.replay()
    assert states == [SPEAKING, IDLE], "no new synthesis"
    assert engine.cached_wav.stat().st_mtime_ns == synthesised_at

    engine.set_rate(1.5)  # a new speed needs a new synthesis
    states.clear()
    with qtbot.waitSignal(engine.finished, timeout=10_000):
        engine.replay()
    assert states == [PREPARING, SPEAKING, IDLE]


def test_faster_rate_gives_shorter_audio(qtbot: QtBot, engine: EspeakSpeechEngine) -> None:
    lengths = {}
    for rate in (1.0, 2.0):
        engine.set_rate(rate)
        with qtbot.waitSignal(engine.finished, timeout=10_000):
            engine.speak(NOTICE)
        assert engine.cached_wav is not None
        lengths[rate] = wav_seconds(engine.cached_wav)
    assert lengths[2.0] < 0.7 * lengths[1.0]
    engine.set_rate(9.0)
    assert engine.rate == 2.0


def test_missing_audio_device_fails_in_chinese(qtbot: QtBot) -> None:
    speech = EspeakSpeechEngine(audio_device="nonexistent_device")
    with qtbot.waitSignal(speech.failed, timeout=10_000) as failure:
        speech.speak(NOTICE)
    assert failure.args == ["无法播放声音：未找到音频设备（nonexistent_device）"]
    assert speech.state == IDLE


def test_missing_espeak_is_reported(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    speech = EspeakSpeechEngine(audio_device="null")
    assert not speech.available
    assert "espeak-ng" in speech.unavailable_reason
    with qtbot.waitSignal(speech.failed, timeout=5_000) as failure:
        speech.speak(NOTICE)
    assert failure.args == ["无法合成语音：未找到 espeak-ng，请安装 espeak-ng"]


def test_null_engine_explains_and_does_nothing(qtbot: QtBot) -> None:
    speech = NullSpeechEngine()
    assert not speech.available
    assert speech.unavailable_reason == "本机没有可用的普通话语音引擎，请工作人员朗读告知书"
    with qtbot.assertNotEmitted(speech.state_changed), qtbot.assertNotEmitted(speech.finished):
        for action in (speech.pause, speech.resume, speech.replay, speech.stop):
            action()
        speech.speak(NOTICE)
    assert speech.state == IDLE


def test_qt_engine_without_mandarin_is_unavailable(qtbot: QtBot) -> None:
    speech = QtSpeechEngine()  # speechd has no Mandarin here; probing must not leak Qt warnings
    assert not speech.available
    assert speech.unavailable_reason == "系统语音中没有普通话语音，请工作人员朗读告知书"
    speech.speak(NOTICE)
    assert speech.state == IDLE


def test_qt_engine_maps_states(qtbot: QtBot) -> None:
    speech = QtSpeechEngine(engine="mock", language=QLocale.Language.English)
    assert speech.available
    states = record_states(speech)
    with qtbot.waitSignal(speech.state_changed, timeout=5_000):
        speech.speak("The notice is read aloud to the applicant at the counter")
    speech.pause()
    qtbot.waitUntil(lambda: speech.state == PAUSED)
    with qtbot.waitSignal(speech.finished, timeout=10_000):
        speech.resume()
    assert states == [SPEAKING, PAUSED, SPEAKING, IDLE]


def test_auto_picks_espeak_on_this_machine(qtbot: QtBot) -> None:
    speech = create_speech_engine("auto", audio_device="null")
    assert isinstance(speech, EspeakSpeechEngine) and speech.available
    assert isinstance(create_speech_engine("none"), NullSpeechEngine)
    with pytest.raises(ValueError):
        create_speech_engine("festival")
