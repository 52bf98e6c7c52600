"""Shared test set-up.

The block below sets the environment before anything imports Qt: keep it first. Fixtures (and their
imports) go below the ``# --- fixtures ---`` marker.
"""

# Imports below the environment block are on purpose: Qt must not load before it.
# ruff: noqa: E402

import os
from pathlib import Path

# Headless Qt and a fixed UTF-8 locale, whatever the machine has.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANG"] = "C.UTF-8"
# Screenshots that tests take for a person to look at (ignored by git).
os.environ.setdefault("KIOSK_SCREENSHOTS", str(Path(__file__).resolve().parent / "screenshots"))

# Every process the suite starts (the app as a program, the crash harness) keeps its secrets in a dict.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyrings.MemoryKeyring")
_ROOT = str(Path(__file__).resolve().parent.parent)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH", "")) if p)

# --- fixtures ---

# At the end of a run: no log or PDF the suite wrote holds a full ID or phone number (tests/privacy_scan.py).
pytest_plugins = ["tests.privacy_scan"]

import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.keyrings import memory_keyring  # noqa: F401  (autouse: every test has a keyring of its own)

if TYPE_CHECKING:
    from tests.demo_centre import DemoCentres


@pytest.fixture(scope="session", autouse=True)
def collect_on_the_main_thread() -> Iterator[None]:
    """As in the app (kiosk/ui/gc_on_gui_thread.py): no collection on a worker thread, where it would destroy a
    widget caught in a cycle while the GUI thread uses Qt. The garbage is collected here, at each test's end."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def collect_after_each_test() -> Iterator[None]:
    yield
    from kiosk.ui.gc_on_gui_thread import collect_due

    collect_due(gc.get_threshold())  # what is due only: a full collection at every test costs minutes


@pytest.fixture(scope="session")
def demo_centres(tmp_path_factory: pytest.TempPathFactory) -> Iterator["DemoCentres"]:
    """The centre's demo database made once and copied per test (tests/demo_centre.py)."""
    from tests.demo_centre import DemoCentres

    centres = DemoCentres(tmp_path_factory.mktemp("demo-centre"))
    yield centres
    centres.close()
