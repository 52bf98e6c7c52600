import pytest
from PySide6.QtCore import QObject, Signal
from kiosk.ui import workers

class O(QObject):
    done = Signal(object)

@pytest.mark.parametrize("variant", ["nodelete", "plain", "keep_parent"])
def test_v(qtbot, monkeypatch, variant, request):
    if variant == "nodelete":
        monkeypatch.setattr(workers.Operation, "deleteLater", lambda self: None)
    parent = O()
    if variant == "keep_parent":
        request.node.keep = parent
    with qtbot.waitSignal(parent.done):
        workers.run_in_background(parent, lambda: 1, lambda r: parent.done.emit(None))
