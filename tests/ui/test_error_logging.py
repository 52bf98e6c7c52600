"""An unexpected error shown on a screen is in the log once, with its traceback: not twice, not never."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.theme import InlineError
from kiosk_core.errors import InvalidInput


def _raised(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


def test_an_unexpected_error_on_an_inline_box_is_logged_once_with_its_traceback(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    box = InlineError()
    qtbot.addWidget(box)
    with caplog.at_level(logging.ERROR):
        box.show_error(_raised(RuntimeError("boom")))
    records = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
    assert len(records) == 1
    assert "系统出了点问题" in box.text()


def test_a_service_refusal_is_not_logged_as_an_error(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    box = InlineError()
    qtbot.addWidget(box)
    with caplog.at_level(logging.ERROR):
        box.show_error(InvalidInput("身份证号码格式不对", hint="请核对"))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert box.text() == "身份证号码格式不对\n→ 请核对"
