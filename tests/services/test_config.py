"""The TOML configuration: defaults that work, and clear words for typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk_core.errors import InvalidInput


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config == Config()
    assert (
        config.printer.slip_layout == "a4" and config.lock.idle_seconds == 300 and config.theme.font_pt >= 18
    )


def test_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        'data_dir = "~/kiosk-data"\ncounter = 7\n[printer]\nname = "Counter7"\nslip_layout = "receipt80"\n'
        "[theme]\nfont_pt = 24\n[lock]\nidle_seconds = 120\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.counter == "07" and config.printer.name == "Counter7" and config.theme.font_pt == 24
    assert config.data_dir == Path.home() / "kiosk-data" and config.database_path.name == "kiosk.db"
    assert config.lock.idle_seconds == 120 and config.lock.warning_seconds == 60


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("countr = 3", "countr"),
        ("counter = 'A1'", "窗口号"),
        ("counter = 100", "窗口号"),
        ("[printer]\nlayout = 'a4'", "layout"),
        ("[printer]\nslip_layout = 'a5'", "a5"),
        ("[theme]\nfont_pt = 8", "font_pt"),
        ("counter = ", "格式有误"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_config(path)
    assert words in err.value.message
