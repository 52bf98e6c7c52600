"""Run as a program under Qt's offscreen platform with two screens: open the hall window as the shell does.

``python -m tests.ui.hall_probe OUT.png`` prints one JSON line: the screen the window went to, its geometry,
whether it is fullscreen, its text size and what it showed before and after an update; OUT.png is its picture.
A test runs it in a subprocess, since a QApplication's screens are fixed when it starts.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.config import Config, HallConfig
from kiosk.ui import theme
from kiosk.ui.hall.launcher import HallLauncher
from tests.ui.screen_text import save_text_layer


def main(out: Path) -> None:
    app = QApplication([])
    theme.apply(app, 20, theme.load_font())
    launcher = HallLauncher(Config(hall=HallConfig(screen=1)), clock=lambda: datetime(2026, 12, 1, 9, 30))
    assert launcher.open()
    window, feed = launcher.window, launcher.feed
    assert window is not None and feed is not None
    app.processEvents()
    before = window.clock.text()  # type: ignore[attr-defined]
    feed.update(notice="上午场 9:30 开始", now=datetime(2026, 12, 1, 9, 31))
    app.processEvents()
    window.grab().save(str(out))
    save_text_layer(window, out)
    g = window.geometry()
    print(
        json.dumps(
            {
                "screen": window.screen().name(),
                "geometry": [g.x(), g.y(), g.width(), g.height()],
                "fullscreen": window.isFullScreen(),
                "pt": window.font().pointSize(),
                "before": before,
                "after": window.clock.text(),  # type: ignore[attr-defined]
                "notice": window.notice.text(),  # type: ignore[attr-defined]
            }
        )
    )
    launcher.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
