"""Personal data kept only as long as needed: the counter's copy of it goes once the centre holds it for good.

A registration is purged when every outbox message about it has been answered by the centre (nothing unsent is
ever touched: the centre's copy is then the record) and its plan closed more than the retention ago. It keeps its
reg no., status and masked values, and is marked purged so later runs never read it again; its household loses
names, ID numbers and phone numbers to masked values unless another of the household's registrations still needs
them; its selection sheet keeps the masked name and ID number only. Its slip files go with it, and any slip file
older than the slips' own keep time (``slip_keep_days``); a reprint renders the slip again from what the
registration keeps (masked values), so no file is ever needed for one. A supervisor's export files (full
personal data, maybe) go after their own keep time (``export_keep_days``): they are for taking away.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from kiosk.services import audit
from kiosk.services.clock import Clock
from kiosk.services.database_lane import DatabaseWriter, write_here
from kiosk.services.exports import EXPORT_KEEP, export_files
from kiosk.services.failures import log_unexpected
from kiosk.services.slip_printing import SLIP_KEEP, slip_files
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.identity import mask_id_number, mask_name, mask_phone

log = logging.getLogger(__name__)
DAY = timedelta(days=1)
# A slip file this young may be on its way to the printer (written, not yet spooled), an export one on its way to a
# USB stick: never taken from under them.
IN_USE = timedelta(hours=1)
_CHUNK = 500  # file paths per UPDATE: far below SQLite's limit of bound values


@dataclass(frozen=True)
class PurgeReport:
    registrations: int  # registrations purged (masked and marked) in this run
    households: int
    members: int
    slips: int  # slip files deleted
    sheets: int = 0  # selection sheets whose data was masked
    exports: int = 0  # export files deleted

    @property
    def anything(self) -> bool:
        return any((self.registrations, self.households, self.members, self.slips, self.sheets, self.exports))


class Retention:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        slips_dir: Path,
        retention: timedelta,
        counter: str,
        *,
        slip_keep: timedelta = SLIP_KEEP,
        exports_dir: Path | None = None,  # None: this purge leaves export files alone
        export_keep: timedelta = EXPORT_KEEP,
        writer: DatabaseWriter = write_here,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._slips_dir = slips_dir
        self._retention = retention
        self._slip_keep = slip_keep
        self._exports_dir = exports_dir
        self._export_keep = export_keep
        self._counter = counter
        self._write = writer

    def purge(self) -> PurgeReport:
        """On the database lane (through ``writer``): the only writer to the cache."""
        return self._write(self._purge)

    def _purge(self) -> PurgeReport:
        now = self._clock()
        cutoff = now - self._retention
        with self._uow() as uow:
            s = uow.session
            due = _purgeable(s, cutoff)
            _mask_registrations(s, due, now)
            households, members = _mask_households(s, due)
            sheets = _mask_sheets(s, due)
            aged = now - max(self._slip_keep, IN_USE)
            removed = _remove_slips(self._slips_dir, aged, [reg.reg_no for reg in due])
            for start in range(0, len(removed), _CHUNK):
                chunk = [str(p) for p in removed[start : start + _CHUNK]]
                s.execute(
                    update(t.Registration).where(t.Registration.slip_path.in_(chunk)).values(slip_path="")
                )
            exports = 0
            if self._exports_dir is not None:
                exports = _remove_exports(self._exports_dir, now - max(self._export_keep, IN_USE))
            report = PurgeReport(len(due), households, members, len(removed), sheets, exports)
            if report.anything:
                audit.record(
                    s,
                    action="purge",
                    at=now,
                    counter=self._counter,
                    operator_id=None,
                    registrations=report.registrations,
                    households=report.households,
                    members=report.members,
                    slips=report.slips,
                    sheets=report.sheets,
                    exports=report.exports,
                    retention_days=self._retention.days,
                    slip_keep_days=self._slip_keep.days,
                    export_keep_days=self._export_keep.days,
                )
            uow.commit()
        if report.anything:
            log.info("retention purge: %s", report)
        return report


def _purgeable(s: Session, cutoff: datetime) -> list[t.Registration]:
    """Registrations not purged yet that the centre has answered for, every message, whose plan closed before
    ``cutoff``. ``purged_at IS NULL`` as the partial index says it, so only those rows are read."""
    unanswered = exists().where(
        t.OutboxMessage.subject == t.Registration.reg_no,
        (t.OutboxMessage.sent_at.is_(None)) | (t.OutboxMessage.result == ""),
    )
    answered = exists().where(t.OutboxMessage.subject == t.Registration.reg_no)
    return list(
        s.scalars(
            select(t.Registration)
            .join(t.Plan, t.Plan.id == t.Registration.plan_id)
            .where(t.Registration.purged_at.is_(None), t.Plan.window_end < cutoff, answered, ~unanswered)
        )
    )


def _mask_registrations(s: Session, due: list[t.Registration], now: datetime) -> None:
    for reg in due:
        reg.phone = mask_phone(reg.phone)
        for person in s.scalars(
            select(t.RegisteredPerson).where(t.RegisteredPerson.registration_id == reg.id)
        ):
            person.id_number = mask_id_number(person.id_number)
        for message in s.scalars(select(t.OutboxMessage).where(t.OutboxMessage.subject == reg.reg_no)):
            payload = _masked_payload(message.payload)
            if payload != message.payload:
                message.payload = payload
        reg.purged_at = now


def _masked_payload(payload: dict[str, Any]) -> dict[str, Any]:
    masked = dict(payload)
    for key, value in payload.items():
        if not isinstance(value, str):
            continue
        if key.endswith("id_number"):
            masked[key] = mask_id_number(value)
        elif key.endswith("phone"):
            masked[key] = mask_phone(value)
        elif key.endswith("name"):
            masked[key] = mask_name(value)
    return masked


def _mask_households(s: Session, due: list[t.Registration]) -> tuple[int, int]:
    """Households of ``due`` with no registration still needing their data; (households, members) masked."""
    purged = {reg.id for reg in due}
    households = members = 0
    for household_id in sorted({reg.household_id for reg in due}):
        others = s.scalars(
            select(t.Registration.id).where(
                t.Registration.household_id == household_id,
                t.Registration.id.not_in(purged),
                t.Registration.purged_at.is_(None),  # one purged in an earlier run needs nothing either
            )
        ).first()
        if others is not None:
            continue  # another registration is live (or unsent, or its plan closed too recently)
        household = s.get_one(t.Household, household_id)
        before = (household.applicant_name, household.applicant_id_number, household.phone)
        household.applicant_name = mask_name(household.applicant_name)
        household.applicant_id_number = mask_id_number(household.applicant_id_number)
        household.phone = mask_phone(household.phone)
        households += before != (household.applicant_name, household.applicant_id_number, household.phone)
        for member in household.members:
            name, number = mask_name(member.name), mask_id_number(member.id_number)
            if (name, number) != (member.name, member.id_number):
                member.name, member.id_number = name, number
                members += 1
    return households, members


def _mask_sheets(s: Session, due: list[t.Registration]) -> int:
    """Selection sheets of ``due``: the centre sends their name and ID number masked; masked again here (the same
    function, so a no-op then) so that a sheet sent whole by an older centre does not outlive the purge either.
    Draw outcomes hold a reg no. and a filing no., kept as the household keeps its filing no."""
    changed = 0
    reg_nos = [reg.reg_no for reg in due]
    for start in range(0, len(reg_nos), _CHUNK):
        chunk = reg_nos[start : start + _CHUNK]
        for sheet in s.scalars(select(t.SelectionSheet).where(t.SelectionSheet.reg_no.in_(chunk))):
            data = dict(sheet.data)
            data["masked_name"] = mask_name(str(data.get("masked_name") or ""))
            data["masked_id"] = mask_id_number(str(data.get("masked_id") or ""))
            if data != sheet.data:
                sheet.data = data
                changed += 1
    return changed


def _remove_slips(slips_dir: Path, cutoff: datetime, purged: list[str]) -> list[Path]:
    """Slip files last written before ``cutoff`` (local time, as the clock's) and those of ``purged``, deleted."""
    if not slips_dir.is_dir():
        return []
    theirs = {path for reg_no in purged for path in slip_files(slips_dir, reg_no)}
    return _remove(sorted(slips_dir.rglob("*.pdf")), cutoff, "slip", theirs)


def _remove_exports(folder: Path, cutoff: datetime) -> int:
    """Export files last written before ``cutoff``, deleted; how many."""
    return len(_remove(export_files(folder), cutoff, "export"))


def _remove(paths: list[Path], cutoff: datetime, what: str, also: set[Path] | None = None) -> list[Path]:
    """Those of ``paths`` last written before ``cutoff`` or in ``also``, deleted. The log names none: a file's
    name holds a reg no. or a plan, day and counter, and its error (``str(exc)``) the path."""
    limit = cutoff.timestamp()
    removed = []
    for path in paths:
        try:
            if (also is not None and path in also) or path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
        except (
            OSError
        ) as exc:  # a file held open elsewhere (a printer's spooler, Excel): tried again tomorrow
            log.warning("a %s file not removed: %s", what, exc.strerror or type(exc).__name__)
    return removed


class DailyPurge:
    """The purge at start-up, then once a day, on a thread of its own that hands the work to the database lane."""

    def __init__(self, purge: Callable[[], PurgeReport], every: timedelta = DAY) -> None:
        self._purge = purge
        self._every = every.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-retention", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._purge()
            except Exception as exc:  # a failed purge is tried again tomorrow; the counter goes on
                log_unexpected(exc, "retention purge failed", log)
            self.runs += 1
            self._stop.wait(self._every)
