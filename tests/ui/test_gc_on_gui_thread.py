"""The cyclic collector runs on the GUI thread only: a widget caught in a cycle is never destroyed on a worker.

Without it (automatic collection), the same test crashes the process with SIGSEGV: a worker thread that
allocates triggers the collection and destroys the widgets there.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.ui.gc_on_gui_thread import GuiThreadCollector


def test_widgets_in_cycles_are_destroyed_on_the_gui_thread_while_workers_allocate(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    freed_on: list[int] = []
    gc.collect()
    for _ in range(50):
        label = QLabel("cycle")
        label.destroyed.connect(
            lambda *_: freed_on.append(threading.get_ident()), Qt.ConnectionType.DirectConnection
        )
        label.keep = label  # type: ignore[attr-defined]  # a cycle only the collector can free
        del label

    def allocate() -> None:  # what the sync worker and the lanes do all day: garbage the collector must see
        for _ in range(50 * gc.get_threshold()[0]):
            junk: list[object] = []
            junk.append(junk)

    # Enough garbage for many automatic collections, on the workers (they would free the labels there).
    workers = [threading.Thread(target=allocate) for _ in range(2)]
    collector = GuiThreadCollector(interval_ms=10)
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert not gc.isenabled() and freed_on == []  # nothing collected on a worker
        qtbot.waitUntil(lambda: len(freed_on) == 50, timeout=30_000)
    finally:
        collector.stop()
    assert set(freed_on) == {gui}


def test_it_collects_what_is_due_and_puts_the_collector_back_as_it_was() -> None:
    before = gc.isenabled()
    collector = GuiThreadCollector()
    garbage: list[list[object]] = [[] for _ in range(gc.get_threshold()[0] + 1)]
    for item in garbage:
        item.append(item)  # each a cycle
    del garbage
    assert collector.check() > 0
    collector.stop()
    assert gc.isenabled() == before
