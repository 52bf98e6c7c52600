"""Python's cyclic garbage collector runs on the GUI thread only.

Left alone, the collector runs on whichever thread happens to allocate when a generation fills up: the sync
worker, a lane, the push client. A widget caught in a reference cycle (a closure connected to its own signal,
an exception's traceback) is then destroyed on that thread while the GUI thread paints or builds another
widget, and the app crashes now and then, nowhere near the cause. So automatic collection is off, and a timer
on the GUI thread collects with the collector's own thresholds (the pattern of pyqtgraph and Anki).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        return collect_due(self._threshold)

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def collect_due(threshold: tuple[int, int, int]) -> int:
    """Collect the generations that are due, youngest first, as the collector itself would."""
    young, middle, old = gc.get_count()
    collected = 0
    if young > threshold[0]:
        collected += gc.collect(0)
        if middle > threshold[1]:
            collected += gc.collect(1)
            if old > threshold[2]:
                collected += gc.collect(2)
    return collected
