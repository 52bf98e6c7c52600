"""An input field for a resident ID or phone number that shows the number masked once it has been entered.

The clerk sees every digit while typing. Once the number is whole and well-formed and the clerk has moved on (Enter,
the focus elsewhere, or the screen checked the number), the field shows it masked as every other screen does
(kiosk_core.identity) and keeps the full number for the service. Typing into a masked field starts a new number: a
masked number cannot be corrected digit by digit, only typed again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk_core.errors import InvalidInput
from kiosk_core.identity import mask_id_number, mask_phone, parse_id_number, parse_phone

_KINDS: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "id": (parse_id_number, mask_id_number),
    "phone": (parse_phone, mask_phone),
}


class MaskedNumberEdit(QLineEdit):
    def __init__(self, kind: Literal["id", "phone"], parent: QWidget | None = None, *, objectName: str = ""):
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self._parse, self._mask = _KINDS[kind]
        self._full = ""  # the number behind the masked text shown; "" while the field shows what was typed
        self._masked = ""
        # Connected before any screen's slot, so those see the field as it is after a masked number was left.
        self.textEdited.connect(self._on_edited)
        # Enter, or the focus gone elsewhere (not to the field's own context menu): the clerk has moved on.
        self.editingFinished.connect(self.conceal)

    def number(self) -> str:
        """What the clerk entered: the full number, also while the field shows it masked."""
        return self._full or self.text()

    def is_masked(self) -> bool:
        return bool(self._full)

    def conceal(self) -> None:
        """Show the number masked if it is a whole, well-formed one; leave a malformed one for the clerk to fix."""
        if self._full:
            return
        try:
            number = self._parse(self.text())
        except InvalidInput:
            return
        self._full, self._masked = self.text(), self._mask(number)
        super().setText(self._masked)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = ""
        super().setText(text)

    def clear(self) -> None:
        self._full = ""
        super().clear()

    def _on_edited(self, text: str) -> None:
        if not self._full:
            return
        masked, self._full = self._masked, ""
        if text.startswith(masked):
            typed = text[len(masked) :]  # typed after the masked number: the start of a new one
        elif "*" in text:
            typed = ""  # part of the masked number deleted: it goes as a whole
        else:
            typed = text  # the masked number selected and typed or pasted over
        super().setText(typed)
