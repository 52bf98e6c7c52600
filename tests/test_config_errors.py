"""Every wrong key in the configuration gets its own clear line (file, key, what is allowed); none a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigInvalid, load_config

WRONG = """data_dir = 5
counter = "A1"
colour = "blue"
[printer]
slip_layout = "a5"
[theme]
font_pt = "big"
[lock]
idle_seconds = "300"
[central]
url = "centre:8700"
interval_seconds = "abc"
offline_max_hours = 1e9
"""


def test_every_wrong_key_is_named_with_what_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(WRONG, encoding="utf-8")
    with pytest.raises(ConfigInvalid) as err:
        load_config(path)
    problems = err.value.problems
    assert len(problems) == 9, problems
    text = err.value.message
    assert str(path) in text and "9 处" in text
    for expected in (
        "data_dir = 5 不对：应为一个文件夹路径",
        'counter = "A1" 不对：应为窗口号 1 到 99',
        "不认识的设置项 colour",
        '[printer] slip_layout = "a5" 不对：应为"a4" 或 "receipt80"',
        '[theme] font_pt = "big" 不对：应为12 到 48 之间的整数',
        '[lock] idle_seconds = "300" 不对：应为30 到 86400 之间的整数秒（不加引号）',
        '[central] url = "centre:8700" 不对：应为以 http:// 或 https:// 开头的地址',
        '[central] interval_seconds = "abc" 不对：应为1 到 3600 之间的整数秒',
        "[central] offline_max_hours = 1000000000.0 不对",
    ):
        assert any(expected in p for p in problems), (expected, problems)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[lock]\nidle_seconds = 99999999999", "idle_seconds = 99999999999 不对"),
        ("[lock]\nidle_seconds = true", "idle_seconds = true 不对"),
        ("[lock]\nidle_seconds = 60\nwarning_seconds = 60", "warning_seconds = 60 应小于 idle_seconds"),
        ("theme = 3", "[theme] 应是一节设置"),
        ('[speech]\nengine = "loud"', '"auto" 或 "qt" 或 "espeak" 或 "none"'),
    ],
)
def test_more_mistakes_are_named(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigInvalid) as err:
        load_config(path)
    assert words in err.value.message


def test_right_values_still_read(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('counter = "03"\n[central]\nurl = "http://centre:8700"\ninterval_seconds = 30\n', "utf-8")
    config = load_config(path)
    assert config.counter == "03" and config.central.url == "http://centre:8700"
    assert config.central.interval_seconds == 30
