"""A hall's unit board for bench_selection, in a process of its own: the real BoardScreen at 1920×1080 (offscreen
Qt), told by the push channel, reading the public state when a unit was taken; it notes when each version was
*painted* (the grid's paint done). ``python -m bench.board_probe BASE_URL TOKEN PLAN``; it prints ``ready``,
runs until it has painted the version given on its stdin (or the stdin closes), then prints one line per paint:
``perf_counter version`` (the system's monotonic clock: the bench compares them with its own times).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

import httpx
from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtWidgets import QApplication

from kiosk.services.hall_board import build_board
from kiosk.services.push_client import PushClient, PushEvent
from kiosk.ui.hall.board_screen import BoardScreen
from kiosk.ui.hall.feed import HallFeed


class Probe(QObject):
    stopped = Signal()

    def __init__(self, base_url: str, token: str, plan: str) -> None:
        super().__init__()
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.path = f"/v1/public/selection/{plan}"
        self.feed = HallFeed(build_board({}))
        self.screen = BoardScreen(self.feed)
        self.screen.place_in(QRect(0, 0, 1920, 1080))
        self.screen.show()
        self.painted: list[tuple[float, int]] = []
        self.shown_version = 0
        grid = self.screen.grid
        paint = grid.paintEvent

        def noted(event: Any) -> None:
            paint(event)
            self.painted.append((time.perf_counter(), self.shown_version))

        grid.paintEvent = noted  # type: ignore[method-assign]
        self.screen.state_arrived.connect(self._rendered)
        self.moved = threading.Event()
        self.push = PushClient(base_url, lambda: token, self._told)
        self.reader = threading.Thread(target=self._read, daemon=True)

    def _told(self, event: PushEvent) -> None:
        if event.kind == "reset" or (
            event.kind == "selection" and (event.move is None or event.move.takes_unit)
        ):
            self.moved.set()

    def _read(self) -> None:
        while True:  # a daemon: ends with the process
            self.moved.wait()
            self.moved.clear()
            self.feed.publish(
                build_board(self.http.get(self.path).json())
            )  # the screen renders it on its thread

    def _rendered(self, state: Any) -> None:
        self.shown_version = int(self.feed.current.version)
        self.screen.grid.repaint()  # painted now: the figure runs to the paint, not to a paint scheduled


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A hall screen is a PC of its own: here it shares the centre's two cores, so it yields them first.
    os.nice(10)
    base_url, token, plan = sys.argv[1:4]
    app = QApplication([])
    probe = Probe(base_url, token, plan)
    probe.stopped.connect(app.quit)
    probe.push.start()
    probe.reader.start()
    probe.moved.set()  # the first read
    target = [sys.maxsize]

    def wait_for_target() -> None:
        line = sys.stdin.readline()
        target[0] = int(line) if line.strip() else -1  # a closed stdin: stop at once
        while max((v for _, v in probe.painted), default=-1) < target[0]:
            time.sleep(0.05)
        probe.stopped.emit()

    threading.Thread(target=wait_for_target, daemon=True).start()
    print("ready", flush=True)
    app.exec()
    probe.push.stop()
    for at, version in probe.painted:
        print(f"{at} {version}")


if __name__ == "__main__":
    main()
