"""The ID and phone fields (kiosk/ui/masked_edit.py): every digit while typed, masked once the clerk moves on, the
whole number for the service, and typing over a masked number enters a new one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.masked_edit import MaskedNumberEdit
from tests.ui.conftest import Hold

FULL_ID = "11010519491231002X"


def _form(qtbot: QtBot, hold: Hold) -> tuple[MaskedNumberEdit, MaskedNumberEdit, QLineEdit]:
    form = hold(QWidget())
    id_edit, phone, other = MaskedNumberEdit("id"), MaskedNumberEdit("phone"), QLineEdit()
    layout = QVBoxLayout(form)
    for field in (id_edit, phone, other):
        layout.addWidget(field)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitActive(form)
    return id_edit, phone, other


def test_a_number_shows_masked_when_the_clerk_moves_on(qtbot: QtBot, hold: Hold) -> None:
    id_edit, phone, other = _form(qtbot, hold)
    phone.setFocus()
    qtbot.waitUntil(phone.hasFocus)
    phone.setText("１３９ ００１３ ９０００")  # full-width, grouped: as an IME may give it
    assert phone.displayText() == "１３９ ００１３ ９０００"  # every digit while typing
    id_edit.setFocus()
    qtbot.waitUntil(phone.is_masked)
    assert phone.displayText() == "139****9000" and phone.number() == "１３９ ００１３ ９０００"
    qtbot.keyClicks(id_edit, FULL_ID.lower())
    other.setFocus()
    qtbot.waitUntil(id_edit.is_masked)
    assert id_edit.displayText() == "1101**********002X" and id_edit.number() == FULL_ID.lower()


def test_a_malformed_number_stays_as_typed(qtbot: QtBot, hold: Hold) -> None:
    id_edit, phone, _other = _form(qtbot, hold)
    id_edit.setText("110105194912310021")  # wrong check digit: the clerk compares it with the card
    phone.setText("1390013")
    id_edit.conceal()
    phone.conceal()
    assert (id_edit.text(), phone.text()) == ("110105194912310021", "1390013")
    assert not id_edit.is_masked() and id_edit.number() == "110105194912310021"


def test_typing_over_a_masked_number_enters_a_new_one(qtbot: QtBot, hold: Hold) -> None:
    id_edit, _phone, _other = _form(qtbot, hold)
    id_edit.setFocus()
    id_edit.setText(FULL_ID)
    id_edit.conceal()
    id_edit.end(False)
    qtbot.keyClicks(id_edit, "11")  # after the masked number: the start of another
    assert id_edit.text() == "11" and id_edit.number() == "11"

    id_edit.setText(FULL_ID)
    id_edit.conceal()
    id_edit.end(False)
    qtbot.keyClick(id_edit, Qt.Key.Key_Backspace)  # a masked number goes as a whole
    assert id_edit.text() == "" and not id_edit.is_masked()

    id_edit.setText(FULL_ID)
    id_edit.conceal()
    id_edit.selectAll()
    qtbot.keyClicks(id_edit, "3")  # over the selected number
    assert id_edit.text() == "3" and id_edit.number() == "3"
