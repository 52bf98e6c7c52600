"""Unexpected errors reach the log once, with their traceback, wherever background work ends.

Qt-free: the UI's lanes, the sync worker and the push client all finish here. A KioskError is an expected
refusal with its own words, not a traceback; anything else is a fault someone has to read about. An exception
remembers that it was logged (``_kiosk_logged``), so the message bar showing it later does not log it again.
"""

from __future__ import annotations

import contextlib
import logging

from kiosk_core.errors import KioskError

log = logging.getLogger("kiosk.failures")
MARK = "_kiosk_logged"


def log_unexpected(exc: BaseException, what: str = "unexpected error", logger: logging.Logger = log) -> bool:
    """Log ``exc`` with its traceback unless it was already; True only if it reached the log file.

    A KioskError is left alone (False: nothing was written for it).
    """
    done = getattr(exc, MARK, None)
    if done is not None:
        return bool(done)
    if isinstance(exc, KioskError):
        return False
    logger.error(what, exc_info=(type(exc), exc, exc.__traceback__))
    files = [h for h in logging.getLogger().handlers if hasattr(h, "last_write_ok")]
    logged = bool(files) and all(h.last_write_ok for h in files)
    with contextlib.suppress(AttributeError):  # an exception class with __slots__ cannot remember it
        setattr(exc, MARK, logged)
    return logged
