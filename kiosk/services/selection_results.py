"""The selection result sheets (选房确认书) this counter keeps: printed, reprinted from Records, found again.

What the centre sent for a sheet is kept in ``selection_sheets`` with its PDF, so a reprint or a household
that comes back later needs no centre. Reads and writes go through the unit of work, handed to ``writer``
(the database lane) when the caller runs on the network lane; drawing and printing run where it is called.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kiosk.services import audit
from kiosk.services.clock import Clock
from kiosk.services.database_lane import DatabaseWriter, write_here
from kiosk.services.household_query import named_households
from kiosk.services.printing_port import PrintFailed, SlipPrinter
from kiosk.services.selection_sheet import SelectionSheets, keep_sheet, kept_sheets
from kiosk.services.selection_views import SheetView, sheet_view
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.errors import InvalidInput, NotFound
from kiosk_core.identity import mask_id_number, normalize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SheetPrinted:
    path: Path
    printed: bool
    message: str  # Chinese, for the banner
    sheet: SheetView


class SelectionResults:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        sheets: SelectionSheets,
        *,
        writer: DatabaseWriter = write_here,
        printer: SlipPrinter | None = None,
    ):
        self._uow = uow
        self._clock = clock
        self._sheets = sheets
        self._write = writer
        self._printer = printer

    def keep(self, view: SheetView) -> None:
        """The centre's sheet kept (or refreshed) here."""
        now = self._clock()

        def write() -> None:
            with self._uow() as uow:
                keep_sheet(uow.session, view.wire, now)
                uow.commit()

        self._write(write)

    def reprint(self, plan_code: str, reg_no: str, operator: OperatorSession) -> SheetPrinted:
        kept = self._write(lambda: self._kept(plan_code, reg_no))
        if kept is None:
            raise NotFound(
                f"本机没有登记 {reg_no} 的选房确认书", hint="联网后可从中心取回", code="sheet_not_kept"
            )
        return self.print(kept, operator, "selection_sheet_reprint")

    def find(self, text: str) -> list[SheetView]:
        """Input read as at the other searches (full-width digits, stray spaces, lower-case x)."""
        query = normalize(text)
        if not query:
            raise InvalidInput("请输入身份证号码、备案编号或登记编号", code="query_empty")

        def read() -> list[SheetView]:
            with self._uow() as uow:
                s = uow.session
                reg_nos, filings = named_households(s, query)
                return [sheet_view(d) for d in kept_sheets(s, reg_nos, filings)]

        found = self._write(read)
        if not found:
            shown = mask_id_number(query) if len(query) == 18 and query[:17].isdigit() else text.strip()[:24]
            raise NotFound(f"本机没有 {shown} 的选房确认书", hint="请核对号码", code="sheet_not_found")
        return found

    def print(self, view: SheetView, operator: OperatorSession, action: str) -> SheetPrinted:
        """Drawn, kept as a private file and sent to the printer; a jam keeps the file and says so. Audited."""
        path = self._sheets.sheet_pdf(view, self._clock())
        printed, message = False, "本机未配置打印机，选房确认书已保存"
        if self._printer is not None:
            try:
                self._printer.print_pdf(path)
                printed, message = True, "选房确认书已送打印机"
            except PrintFailed as exc:
                log.warning("selection sheet %s not printed (kept as %s): %s", view.reg_no, path, exc)
                message = f"选房确认书未打印：{exc}。文件已保存，可再次打印"
        now = self._clock()

        def record() -> None:
            with self._uow() as uow:
                audit.record(
                    uow.session,
                    action=action,
                    at=now,
                    counter=operator.counter,
                    operator_id=operator.id,
                    subject=view.reg_no,
                    plan_code=view.plan_code,
                    unit_code=view.unit_code,
                    printed=printed,
                    file=path.name,
                )
                keep = uow.session.scalar(
                    select(t.SelectionSheet).where(
                        t.SelectionSheet.plan_code == view.plan_code, t.SelectionSheet.reg_no == view.reg_no
                    )
                )
                if keep is not None:
                    keep.printed_at = now if printed else keep.printed_at
                    keep.sheet_path = str(path)
                uow.commit()

        self._write(record)
        return SheetPrinted(path, printed, message, view)

    def _kept(self, plan_code: str, reg_no: str) -> SheetView | None:
        with self._uow() as uow:
            found = kept_sheets(uow.session, {reg_no}, set(), plan_code)
            return sheet_view(found[0]) if found else None
