"""A screenshot's text layer (tests/ui/screen_text.py) holds what a person can read on the screen, and the privacy
scan finds a full ID number in it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.privacy_scan import full_numbers
from tests.ui.screen_text import save_text_layer, screen_text

FULL_ID = "11010519491231002X"


def _screen(qtbot: QtBot) -> QWidget:
    screen = QWidget()
    qtbot.addWidget(screen)
    screen.setWindowTitle("窗口")
    layout = QVBoxLayout(screen)
    layout.addWidget(QLabel("<b>申请人</b> 张*三"))
    typed = QLineEdit("13912345678")
    layout.addWidget(typed)
    password = QLineEdit("secret")
    password.setEchoMode(QLineEdit.EchoMode.Password)
    layout.addWidget(password)
    layout.addWidget(QPlainTextEdit("备注"))
    layout.addWidget(QPushButton("登记"))
    hidden = QLabel(f"hidden {FULL_ID}")
    layout.addWidget(hidden)
    hidden.hide()
    model = QStandardItemModel(0, 2)
    model.appendRow([QStandardItem("R001"), QStandardItem(FULL_ID)])
    model.appendRow([QStandardItem("R002"), QStandardItem("hidden row")])
    table = QTableView()
    table.setModel(model)
    table.setRowHidden(1, True)
    layout.addWidget(table)
    screen.show()
    return screen


def test_the_text_layer_holds_what_is_on_screen(qtbot: QtBot) -> None:
    text = screen_text(_screen(qtbot))
    assert text[0] == "窗口"
    assert {"申请人 张*三", "13912345678", "备注", "登记", f"R001 | {FULL_ID}"} <= set(text)
    assert "secret" not in text  # a password field shows dots
    assert not any("hidden" in line for line in text)


def test_the_scan_finds_a_full_number_in_a_screenshot_text_layer(qtbot: QtBot, tmp_path: Path) -> None:
    screen = _screen(qtbot)
    png = tmp_path / "screen.png"
    assert screen.grab().save(str(png))
    sidecar = save_text_layer(screen, png)
    assert sidecar.name == "screen.png.txt"
    assert full_numbers(sidecar.read_text(encoding="utf-8")) == ["1101**********002X", "139****5678"]
    sidecar.unlink()  # on purpose here; the end-of-run scan would fail the run on it
