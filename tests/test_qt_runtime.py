"""The Qt binding itself must survive a day at the counter: thousands of signals without corrupting Python."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(str)


def test_signal_emits_keep_reference_counts(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[str] = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(500):
        emitter.changed.emit("tick")
    # PySide6 6.12.0 loses one reference to True per emit under Python 3.11, and the interpreter aborts
    # once the count reaches zero: a counter running all day would crash.
    assert sys.getrefcount(True) - before > -50
    assert len(received) == 500
