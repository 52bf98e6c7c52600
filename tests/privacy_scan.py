"""After the suite: no log file, PDF or screenshot it produced holds a full ID number or mobile number (issue 11,
"Masked everywhere the public or logs can see").

A pytest plugin (``pytest_plugins`` in tests/conftest.py): at the end of a run it reads the text of every ``*.log``
file, the text layer of every PDF and every screenshot's text layer (``NAME.png.txt``, written beside each PNG by
tests/ui/screen_text.py: the words the screen showed) under the run's temporary folder, and the screenshot text
layers this run wrote into the screenshot folder (KIOSK_SCREENSHOTS, default tests/screenshots). It fails the run on
an 18-digit resident ID number with a valid check digit or an 11-digit mobile number, naming the file and the
masked number. Test data are valid numbers (stdnum checks them), so a slip, notice, sheet, results list, screen or
log that showed one whole is caught wherever it came from.

Nothing is exempt: an input field that holds what the clerk typed is a leak too when the screenshot is taken (the
screens show the masked form once the household is found), so tests take their pictures after that.
"""

from __future__ import annotations

import logging
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_core.identity import mask_id_number, mask_phone

# As people write them too: grouped by a space or a dash ("139 0013 9000"); full-width digits are made ASCII first.
_SEP = r"[ \-]?"
_ID = re.compile(rf"(?<![0-9])[0-9]{{6}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{3}}[0-9Xx](?![0-9])")
_PHONE = re.compile(rf"(?<![0-9])1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}(?![0-9])")
_NOT_DIGIT = re.compile(r"[^0-9Xx]")
SIDECAR = ".png.txt"  # a screenshot's text layer: NAME.png -> NAME.png.txt
# A file's mtime can trail time.time() by a clock tick; an older run's sidecars are minutes old at least.
_CLOCK_SLACK_S = 1.0
_started = time.time()


def screenshot_folder() -> Path:
    """Where UI tests save screenshots for people to look at (outside the run's temporary folder)."""
    return Path(os.environ.get("KIOSK_SCREENSHOTS", Path(__file__).resolve().parent / "screenshots"))


def full_numbers(text: str) -> list[str]:
    """The full ID numbers (valid check digit) and mobile numbers in ``text``, masked for the report."""
    from stdnum.cn import ric

    text = unicodedata.normalize("NFKC", text)
    ids = [mask_id_number(n) for m in _ID.findall(text) if ric.is_valid(n := _NOT_DIGIT.sub("", m).upper())]
    return ids + [mask_phone(_NOT_DIGIT.sub("", m)) for m in _PHONE.findall(text)]


def _texts(root: Path) -> Iterator[tuple[Path, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the damaged PDFs the tests make on purpose

    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            try:
                yield path, "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
            except (PdfReadError, ValueError, OSError):
                continue  # the damaged files the tests make on purpose
        elif path.suffix == ".log" or ".log." in path.name or path.name.endswith(SIDECAR):
            yield path, path.read_text(encoding="utf-8", errors="replace")


def scan(root: Path) -> list[tuple[Path, list[str]]]:
    return [(path, found) for path, text in _texts(root) if (found := full_numbers(text))]


def scan_screenshots(folder: Path, since: float) -> list[tuple[Path, list[str]]]:
    """The text layers in ``folder`` written since ``since`` (a run's own; earlier runs' are left alone)."""
    if not folder.is_dir():
        return []
    fresh = [p for p in sorted(folder.glob(f"*{SIDECAR}")) if p.stat().st_mtime >= since - _CLOCK_SLACK_S]
    texts = ((p, p.read_text(encoding="utf-8", errors="replace")) for p in fresh)
    return [(path, found) for path, text in texts if (found := full_numbers(text))]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    global _started
    _started = time.time()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or exitstatus not in (0, 1):
        return
    root = Path(factory.getbasetemp())
    leaks = scan(root) if root.exists() else []
    leaks += scan_screenshots(screenshot_folder(), _started)
    if not leaks:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{_shown(path, root)}: {', '.join(sorted(set(found)))}" for path, found in leaks]
    if reporter is not None:
        reporter.write_sep("=", "full ID or phone numbers in files the suite wrote", red=True)
        for line in lines:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
