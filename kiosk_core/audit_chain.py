"""The audit log's hash chain: each entry's MAC seals the previous entry's MAC and its own content.

Plain functions over plain values, so the counter (which writes and checks its cache) and the centre (which keeps
the heads it was sent) agree on one canonical form. Editing, deleting, inserting or reordering an entry breaks the
chain at that entry; truncating the log or rolling the whole file back to an older copy leaves a chain that checks,
and is caught by comparing with a head remembered elsewhere (the centre's).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk_core.wire import AuditHeadData

# The text SQLAlchemy stores a SQLite DateTime as: the stored text is then the canonical text, read back unparsed.
AT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

# One row as the checker reads it: seq, at (AT_FORMAT text), operator_id, counter, action, subject,
# detail (JSON text), mac (hex, None when unsealed).
Row = tuple[int, str, int | None, str, str, str, str, str | None]


@dataclass(frozen=True)
class ChainHead:
    """The newest entry's sequence number and MAC: what a sync batch carries and the centre remembers."""

    seq: int
    mac: str | None

    def to_wire(self) -> AuditHeadData:
        return {"seq": self.seq, "mac": self.mac}


@dataclass(frozen=True)
class ChainReport:
    """The walk's verdict. ``broken_at`` is the first entry (by seq) that fails, None when every one checks.

    ``unsealed`` counts the leading entries without a MAC: written before the chain began (before migration
    0010, or while the keyring could not be reached before the first sealed entry). Nothing vouches for them.
    """

    entries: int
    unsealed: int
    head: ChainHead | None
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def at_text(at: datetime) -> str:
    return at.strftime(AT_FORMAT)


def detail_text(detail: Any) -> str:
    """The detail as SQLAlchemy stores a JSON column in SQLite (``json.dumps`` with its defaults, keys in the
    order written): the check then seals the stored text as it is, without parsing it (the 100 000-entry figure)."""
    return json.dumps(detail)


def canonical(
    seq: int, at: str, operator_id: int | None, counter: str, action: str, subject: str, detail: str
) -> bytes:
    """One entry's content as sealed: text fields length-prefixed, so no field can spill into its neighbour."""
    who = "" if operator_id is None else str(operator_id)
    return (
        f"{seq}|{who}|{len(at)}:{at}|{len(counter)}:{counter}|{len(action)}:{action}"
        f"|{len(subject)}:{subject}|{detail}"
    ).encode()


def seal(key: bytes, prev_mac: str | None, content: bytes) -> str:
    """HMAC-SHA256 over the previous entry's MAC (empty for the first sealed entry) and this entry's content."""
    return hmac.digest(key, (prev_mac or "").encode() + b"\n" + content, hashlib.sha256).hex()


def walk(rows: Iterable[Row], key: bytes, known: ChainHead | None = None) -> ChainReport:
    """Check ``rows`` (in seq order) against ``key``; with ``known``, also that the log still holds that head.

    Sequence numbers run 1, 2, 3 … without gaps: a missing number is reported as the deleted entry.
    """
    expected = 1
    unsealed = 0
    sealed_any = False
    prev: str | None = None
    last: ChainHead | None = None
    broken: tuple[int, str] | None = None
    known_seen = False
    for seq, at, operator_id, counter, action, subject, detail, mac in rows:
        if broken is None:
            entry = (at, operator_id, counter, action, subject, detail)
            broken = _check_entry(seq, expected, mac, sealed_any, prev, key, entry)
        if mac is None and not sealed_any:
            unsealed += 1
        sealed_any = sealed_any or mac is not None
        if known is not None and seq == known.seq:
            known_seen = True
            if mac != known.mac and broken is None:
                broken = (seq, "not_the_head_remembered")
        prev = mac
        last = ChainHead(seq, mac)
        expected = seq + 1
    entries = last.seq if last else 0
    if broken is None and known is not None and not known_seen:
        broken = (known.seq, "head_remembered_missing")  # truncated, or the file rolled back to an older copy
    if broken is None:
        return ChainReport(entries, unsealed, last)
    return ChainReport(entries, unsealed, last, broken[0], broken[1])


def _check_entry(
    seq: int,
    expected: int,
    mac: str | None,
    sealed_any: bool,
    prev: str | None,
    key: bytes,
    entry: tuple[str, int | None, str, str, str, str],
) -> tuple[int, str] | None:
    if seq != expected:
        return (expected, "missing") if seq > expected else (seq, "out_of_order")
    if mac is None:
        return (seq, "unsealed") if sealed_any else None
    try:
        content = canonical(seq, *entry)
    except TypeError:  # a field of the wrong type, put there by hand
        return seq, "unreadable"
    if not hmac.compare_digest(seal(key, prev, content), mac):
        return seq, "mac_mismatch"
    return None
