"""Slips: written as a PDF file, then sent to the printer; a failed print loses nothing and can be redone.

The file is the printer's copy only: a reprint renders the slip again from the registration. It holds the
household's name, so it does not stay on disk longer than ``slip_keep`` (``slip_keep_days``): with 0 it is deleted
as soon as the printer has the job, with N the retention purge deletes it after N days (kiosk.services.retention).

Printing runs on the network lane (a printer may take seconds); what it records (the slip's file, printed or
not, the audit entry) is handed to the database lane through ``writer``, the only writer to the cache.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from kiosk.services import audit
from kiosk.services.clock import Clock
from kiosk.services.database_lane import DatabaseWriter, write_here
from kiosk.services.printing_port import PrintFailed, SlipPrinter
from kiosk.services.registration_views import registration_view
from kiosk.services.slips import Reprint, SlipLayout, SlipRenderer
from kiosk.services.views import OperatorSession, RegistrationView
from kiosk.storage import tables as t
from kiosk.storage.private_files import private_dir, remove_partials, write_private
from kiosk.storage.uow import UnitOfWork, UnitOfWorkFactory
from kiosk_core.reg_no import parse_reg_no

log = logging.getLogger(__name__)
_PRINT_ACTIONS = ("print", "reprint")
SLIP_KEEP = timedelta(days=1)  # kiosk.config's default for slip_keep_days


@dataclass(frozen=True)
class PrintOutcome:
    registration: RegistrationView
    path: Path  # the slip's file; already deleted when it printed and slips are not kept (slip_keep 0)
    printed: bool
    message: str  # Chinese, for the banner: "回执已打印" or why it was not


class SlipService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        renderer: SlipRenderer,
        printer: SlipPrinter,
        slips_dir: Path,
        layout: SlipLayout,
        *,
        slip_keep: timedelta = SLIP_KEEP,
        writer: DatabaseWriter = write_here,
    ):
        self._uow = uow
        self._slip_keep = slip_keep
        self._write = writer
        self._clock = clock
        self._renderer = renderer
        self._printer = printer
        self._slips_dir = slips_dir
        self.layout = layout

    def preview_pdf(self, view: RegistrationView) -> bytes:
        return self._renderer.render(view, self.layout)

    def print_slip(self, reg_no: str, operator: OperatorSession, *, reprint: bool = False) -> PrintOutcome:
        """Slow (rendering and the printer): call from a worker."""
        reg_no = parse_reg_no(reg_no)
        now = self._clock()

        def read() -> tuple[RegistrationView, int]:
            # On the database lane too: every transaction here takes SQLite's write lock (BEGIN IMMEDIATE).
            with self._uow() as uow:
                return registration_view(uow.session, _row(uow, reg_no)), _papers_printed(uow, reg_no)

        view, handed_out = self._write(read)
        # Only a paper after one already printed is a 补打: a retry after a jam is still the first paper.
        reprint_mark = Reprint(handed_out, now) if handed_out else None
        pdf = self._renderer.render(view, self.layout, reprint_mark)
        path = self._keep(reg_no, pdf)
        try:
            self._printer.print_pdf(path)
            printed, message = (
                True,
                "回执已送打印机" if reprint_mark is None else f"补打回执（第{handed_out}次）已送打印机",
            )
        except PrintFailed as exc:
            log.warning("slip %s not printed (kept as %s): %s", reg_no, path, exc)
            printed, message = False, f"回执未打印：{exc}。登记已保存，可在“登记记录”中补打"
        # Printed and not to be kept: this file and any earlier unprinted ones of the slip are of no more use.
        if printed and not self._slip_keep:
            self._forget(reg_no)
        kept = path.exists()

        def record() -> RegistrationView:
            with self._uow() as uow:
                row = _row(uow, reg_no)
                row.slip_printed = row.slip_printed or printed
                row.slip_path = str(path) if kept else ""
                audit.record(
                    uow.session,
                    action="reprint" if reprint else "print",
                    at=now,
                    counter=operator.counter,
                    operator_id=operator.id,
                    subject=reg_no,
                    printed=printed,
                    file=path.name,
                    reprint_number=reprint_mark.number if reprint_mark else 0,
                )
                uow.commit()
                return registration_view(uow.session, row)

        return PrintOutcome(self._write(record), path, printed, message)

    def _keep(self, reg_no: str, pdf: bytes) -> Path:
        private_dir(self._slips_dir)
        folder = private_dir(self._slips_dir / reg_no.split("-")[0])
        remove_partials(folder, f"{reg_no}*")  # left by a crash mid-write
        # The first free name: files deleted by age or after printing leave gaps, and a kept one is never replaced.
        path, n = folder / f"{reg_no}.pdf", 1
        while path.exists():
            n += 1
            path = folder / f"{reg_no}-{n}.pdf"
        # Never a half slip under the real name; a failed write (a full disk) leaves no partial file either.
        write_private(path, pdf)
        return path

    def _forget(self, reg_no: str) -> None:
        """The slip's files deleted; one held open elsewhere (Windows) is left to the retention purge."""
        for path in slip_files(self._slips_dir, reg_no):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("slip %s not removed after printing: %s", path.name, exc)


def slip_files(slips_dir: Path, reg_no: str) -> list[Path]:
    """The slip files of ``reg_no`` on disk: REG.pdf, then REG-2.pdf … (another reg no. never matches)."""
    folder = slips_dir / reg_no.split("-")[0]
    return sorted(folder.glob(f"{reg_no}.pdf")) + sorted(folder.glob(f"{reg_no}-[0-9]*.pdf"))


def _papers_printed(uow: UnitOfWork, reg_no: str) -> int:
    """How many papers of this slip went to the printer: its print entries in the audit log that printed."""
    details = uow.session.scalars(
        select(t.AuditEntry.detail).where(
            t.AuditEntry.subject == reg_no, t.AuditEntry.action.in_(_PRINT_ACTIONS)
        )
    )
    return sum(1 for detail in details if detail.get("printed"))


def _row(uow: UnitOfWork, reg_no: str) -> t.Registration:
    return uow.session.scalars(select(t.Registration).where(t.Registration.reg_no == reg_no)).one()
