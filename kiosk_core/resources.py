"""Where the shared resources are (fonts, theme, notices, translations, demo data), for the counter and the centre.

They ship as package data (the ``kiosk_resources`` package, data files only), so a checkout, an installed
wheel and a PyInstaller bundle find them the same way, never by a path a caller builds from its own file:
``KIOSK_RESOURCES`` when set, else the bundle's copy (``sys._MEIPASS/kiosk_resources``), else the installed
package's folder.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

PACKAGE = "kiosk_resources"


def find_resources() -> Path:
    chosen = os.environ.get("KIOSK_RESOURCES")
    if chosen:
        return Path(chosen).expanduser().resolve()
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / PACKAGE
    # A namespace package of data files: its one folder, in site-packages or (editable install) the checkout.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return Path(__file__).resolve().parent.parent / PACKAGE


RESOURCES = find_resources()
