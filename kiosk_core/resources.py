"""Where the shared resources are (fonts, theme, notices, translations, demo data), for the counter and the centre.

Found the same way by a checkout, an installed package and a PyInstaller bundle, never by a path a caller
builds from its own file: ``KIOSK_RESOURCES`` when set, else the bundle's copy (``sys._MEIPASS/resources``),
else the copy beside the packages (a checkout or an editable install).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def find_resources() -> Path:
    chosen = os.environ.get("KIOSK_RESOURCES")
    if chosen:
        return Path(chosen).expanduser().resolve()
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


RESOURCES = find_resources()
