"""After the suite: no log file or PDF it produced holds a full ID number or mobile number (issue 11, "Masked
everywhere the public or logs can see").

A pytest plugin (``-p tests.privacy_scan`` in pyproject.toml): at the end of a run it reads the text of every
``*.log`` file and the text layer of every PDF under the run's temporary folder, and fails the run on an 18-digit
resident ID number with a valid check digit or an 11-digit mobile number, naming the file and the masked
number. Test data are valid numbers (stdnum checks them), so a slip, notice, sheet, results list or log that
printed one whole is caught wherever it came from.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_core.identity import mask_id_number, mask_phone

_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def full_numbers(text: str) -> list[str]:
    """The full ID numbers (valid check digit) and mobile numbers in ``text``, masked for the report."""
    from stdnum.cn import ric

    ids = [mask_id_number(m) for m in _ID.findall(text) if ric.is_valid(m)]
    return ids + [mask_phone(m) for m in _PHONE.findall(text)]


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
        elif path.suffix == ".log" or ".log." in path.name:
            yield path, path.read_text(encoding="utf-8", errors="replace")


def scan(root: Path) -> list[tuple[Path, list[str]]]:
    return [(path, found) for path, text in _texts(root) if (found := full_numbers(text))]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or exitstatus not in (0, 1):
        return
    root = Path(factory.getbasetemp())
    if not root.exists():
        return
    leaks = scan(root)
    if not leaks:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{path.relative_to(root)}: {', '.join(sorted(set(found)))}" for path, found in leaks]
    if reporter is not None:
        reporter.write_sep("=", "full ID or phone numbers in files the suite wrote", red=True)
        for line in lines:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
