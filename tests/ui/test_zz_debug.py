from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from kiosk.ui.workers import run_in_background

class W(QWidget):
    done = Signal(object)

def test_sig_obj(qtbot):
    parent = W(); qtbot.addWidget(parent)
    with qtbot.waitSignal(parent.done):
        run_in_background(parent, lambda: 1, parent.done.emit)

def test_sig_noarg(qtbot):
    parent = W(); qtbot.addWidget(parent)
    with qtbot.waitSignal(parent.done):
        run_in_background(parent, lambda: 1, lambda r: parent.done.emit(None))
