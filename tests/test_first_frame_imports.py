"""What the first frame loads: the login screen must not wait for the storage, HTTP or PDF stack.

Those are built behind the login screen (kiosk/app.py: the window gets them deferred); a widget module importing one of them
at the top once made the cold start twice as long (docs/performance.md). Checked by what is imported, not by time.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "numpy",
    "sqlalchemy",
    "alembic",
    "requests",
    "reportlab",
    "keyring",
    "kiosk.storage",
    "kiosk.bootstrap",
)


def test_the_main_window_loads_without_the_storage_http_or_pdf_stack() -> None:
    probe = (
        "import sys, kiosk.app, kiosk.ui.main_window;"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
