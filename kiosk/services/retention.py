"""Personal data kept only as long as needed: the counter's copy of it goes once the centre holds it for good.

A registration is purged when every outbox message about it has been answered by the centre (nothing unsent is
ever touched: the centre's copy is then the record) and its plan closed more than the retention ago. It keeps its
reg no., status and masked values; its household loses names, ID numbers and phone numbers to masked values
unless another of the household's registrations still needs them. Slip PDFs older than the retention are deleted
from disk; a reprint renders the slip again from what the registration keeps (masked values).
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
from kiosk.services.failures import log_unexpected
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.identity import mask_id_number, mask_name, mask_phone

log = logging.getLogger(__name__)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class PurgeReport:
    registrations: int  # registrations whose values were masked in this run
    households: int
    members: int
    slips: int  # slip files deleted

    @property
    def anything(self) -> bool:
        return any((self.registrations, self.households, self.members, self.slips))


class Retention:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        slips_dir: Path,
        retention: timedelta,
        counter: str,
        *,
        writer: DatabaseWriter = write_here,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._slips_dir = slips_dir
        self._retention = retention
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
            registrations = _mask_registrations(s, due)
            households, members = _mask_households(s, due, cutoff)
            removed = _remove_slips(self._slips_dir, cutoff)
            if removed:
                s.execute(
                    update(t.Registration)
                    .where(t.Registration.slip_path.in_([str(p) for p in removed]))
                    .values(slip_path="")
                )
            report = PurgeReport(registrations, households, members, len(removed))
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
                    retention_days=self._retention.days,
                )
            uow.commit()
        if report.anything:
            log.info("retention purge: %s", report)
        return report


def _purgeable(s: Session, cutoff: datetime) -> list[t.Registration]:
    """Registrations the centre has answered for, every message, whose plan closed before ``cutoff``."""
    unanswered = exists().where(
        t.OutboxMessage.subject == t.Registration.reg_no,
        (t.OutboxMessage.sent_at.is_(None)) | (t.OutboxMessage.result == ""),
    )
    answered = exists().where(t.OutboxMessage.subject == t.Registration.reg_no)
    return list(
        s.scalars(
            select(t.Registration)
            .join(t.Plan, t.Plan.id == t.Registration.plan_id)
            .where(t.Plan.window_end < cutoff, answered, ~unanswered)
        )
    )


def _mask_registrations(s: Session, due: list[t.Registration]) -> int:
    changed = 0
    for reg in due:
        before = reg.phone
        reg.phone = mask_phone(reg.phone)
        touched = before != reg.phone
        for person in s.scalars(
            select(t.RegisteredPerson).where(t.RegisteredPerson.registration_id == reg.id)
        ):
            masked = mask_id_number(person.id_number)
            if masked != person.id_number:
                person.id_number, touched = masked, True
        for message in s.scalars(select(t.OutboxMessage).where(t.OutboxMessage.subject == reg.reg_no)):
            payload = _masked_payload(message.payload)
            if payload != message.payload:
                message.payload, touched = payload, True
        changed += touched
    return changed


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


def _mask_households(s: Session, due: list[t.Registration], cutoff: datetime) -> tuple[int, int]:
    """Households of ``due`` with no registration still needing their data; (households, members) masked."""
    purged = {reg.id for reg in due}
    households = members = 0
    for household_id in sorted({reg.household_id for reg in due}):
        others = s.scalars(
            select(t.Registration.id).where(
                t.Registration.household_id == household_id, t.Registration.id.not_in(purged)
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


def _remove_slips(slips_dir: Path, cutoff: datetime) -> list[Path]:
    """Slip files last written before ``cutoff`` (local time, as the clock's), deleted."""
    if not slips_dir.is_dir():
        return []
    limit = cutoff.timestamp()
    removed = []
    for path in sorted(slips_dir.rglob("*.pdf")):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
        except OSError as exc:  # a file held open elsewhere (Windows): tried again tomorrow
            log.warning("slip %s not removed: %s", path.name, exc)
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
