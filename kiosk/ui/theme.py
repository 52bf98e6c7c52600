"""The elder-friendly look: one style sheet whose sizes follow the current text size (A−/A+)."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from string import Template

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.config import RESOURCES
from kiosk.ui.messages import describe

log = logging.getLogger(__name__)

MIN_PT = 14
MAX_PT = 40
STEP_PT = 2
HEADER_MAX_PT = 22  # the header's text stops growing here, so its buttons always fit across the window
FONT_FILE = Path("fonts") / "wqy-microhei.ttc"
_PT_PROPERTY = "kioskFontPt"

# Foreground/background pairs that must reach WCAG AA (4.5:1); tests check colors.json against this list.
CONTRAST_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("text", "alt_row"),
    ("text", "input_focus_bg"),
    ("hint", "background"),
    ("on_primary", "primary"),
    ("on_primary", "primary_pressed"),
    ("on_danger", "danger"),
    ("on_focus", "focus"),
    ("disabled_text", "disabled_bg"),
    ("on_header", "header"),
    ("on_selection", "selection"),
    ("on_error", "error"),
    ("on_warning", "warning"),
    ("on_success", "success"),
    ("on_info", "info"),
    ("on_lock", "lock"),
)


@cache
def colors(resources: Path = RESOURCES) -> dict[str, str]:
    return dict(json.loads((resources / "theme" / "colors.json").read_text(encoding="utf-8")))


@cache
def _template(resources: Path = RESOURCES) -> Template:
    return Template((resources / "theme" / "kiosk.qss").read_text(encoding="utf-8"))


def load_font(resources: Path = RESOURCES) -> str | None:
    """Register the shipped CJK font, so Chinese renders the same on every counter; returns its family."""
    font_id = QFontDatabase.addApplicationFont(str(resources / FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("could not load %s; Chinese may render with a system font", resources / FONT_FILE)
        return None
    return families[0]


def stylesheet(font_pt: int, resources: Path = RESOURCES) -> str:
    header_pt = min(font_pt, HEADER_MAX_PT)
    sizes = {
        "header_pt": header_pt,
        "header_title_pt": round(header_pt * 1.2),
        "header_button_h": round(header_pt * 2.8),
        "header_pad": round(header_pt * 0.6),
        "pt": font_pt,
        "title_pt": round(font_pt * 1.6),
        "subtitle_pt": round(font_pt * 1.2),
        "button_h": round(font_pt * 2.8),  # ≈56 px at 20 pt
        "button_w": round(font_pt * 5),
        "input_h": round(font_pt * 2.5),
        "indicator": round(font_pt * 1.4),
        "indicator_radius": round(font_pt * 1.4 / 2) + 2,  # half the box plus the border: a circle
        "scroll": round(font_pt * 1.3),
        "pad": round(font_pt * 0.6),
        "pad2": round(font_pt * 1.2),
        "pad_half": round(font_pt * 0.3),
    }
    theme_dir = (resources / "theme").as_posix()
    return _template(resources).substitute(colors(resources), theme_dir=theme_dir, **sizes)


def apply(app: QApplication, font_pt: int, family: str | None = None, resources: Path = RESOURCES) -> int:
    """Make ``font_pt`` (clamped to 14–40) the text size of every widget; returns the size applied."""
    font_pt = max(MIN_PT, min(MAX_PT, font_pt))
    font = QFont(app.font())
    if family:
        font.setFamily(family)
    font.setPointSize(font_pt)
    app.setFont(font)
    app.setStyleSheet(stylesheet(font_pt, resources))
    app.setProperty(_PT_PROPERTY, font_pt)
    return font_pt


def current_pt(app: QApplication) -> int:
    value = app.property(_PT_PROPERTY)
    return int(value) if value else app.font().pointSize()


def set_kind(widget: QWidget, kind: str) -> None:
    """Style a widget by role: buttons "primary"/"danger"; labels "title"/"subtitle"/"hint"/"notice"/"error"."""
    widget.setProperty("kind", kind)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class InlineError(QLabel):
    """A red box next to the input it is about; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setProperty("kind", "error")
        self.hide()

    def show_error(self, exc: BaseException) -> None:
        message = describe(exc)  # logs an unexpected error, once
        self.show_text(message.text if not message.hint else f"{message.text}\n→ {message.hint}")

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")
        self.hide()
