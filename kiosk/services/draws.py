"""The public lottery at the counter: the supervisor's console calls to the centre, the local check of its
result (kiosk.services.draw_check), and the households' results pulled on sync (lookup: draw_lookup; result
notice, public list).

Centre calls run on whatever thread calls them (the UI puts them on the network lane) with this service's own
client, which holds no token: the signed-in supervisor's operator token is read from the keyring for each
change (it carries the device too), the device token for reads. Local reads and writes go through the unit of
work like every other service, handed to ``writer`` (the database lane) when the caller is elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.services import audit, draw_names
from kiosk.services.central_client import CentralClient
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.clock import Clock
from kiosk.services.database_lane import DatabaseWriter, write_here
from kiosk.services.draw_apply import keep_record
from kiosk.services.draw_calls import DrawCalls, draw_view, ready_plans
from kiosk.services.draw_check import DrawCheck
from kiosk.services.draw_lookup import SHOWN_STATES, find_outcomes
from kiosk.services.draw_prints import DrawPrints
from kiosk.services.draw_views import (
    DrawOutcomeView,
    DrawView,
    PublicListRow,
    ReadyPlan,
    SourceSpec,
    SourceValue,
)
from kiosk.services.printing_port import PrintFailed, SlipPrinter
from kiosk.services.secrets import SecretStore
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import lottery
from kiosk_core.errors import InvalidInput, KioskError, NotFound
from kiosk_core.identity import normalize
from kiosk_core.lottery import DrawResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticePrinted:
    path: Path
    printed: bool
    message: str  # Chinese, for the banner: sent to the printer, or why not (the file is kept either way)


class DrawService:
    """``client`` None: no centre configured, and every console call answers DrawOffline."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        client: CentralClient | None,
        secrets: SecretStore,
        prints: DrawPrints,
        *,
        writer: DatabaseWriter = write_here,
        changes: ChangeNotice | None = None,
        printer: SlipPrinter | None = None,
    ):
        self._printer = printer
        self._uow = uow
        self._clock = clock
        self._calls = DrawCalls(client, secrets)
        self.configured = client is not None
        self._prints = prints
        self._write = writer
        self._changes = changes or ChangeNotice()
        self._check = DrawCheck()

    # --- the console: each a call to the centre (slow: on the network lane) ---

    def ready_plans(self, operator: OperatorSession) -> list[ReadyPlan]:
        """Quick plans whose window has closed, with pools, entries, the current draw and unsent counters."""
        body = self._calls.read(operator, "/v1/draws/ready")
        return ready_plans(body, self._write(self._pool_labels))

    def freeze(
        self, operator: OperatorSession, plan_code: str, specs: Sequence[SourceSpec], force: bool = False
    ) -> DrawView:
        """Freeze the plan's entry list and commit to the sources' kinds and labels (no values yet)."""
        body = {
            "sources": [{"kind": s.kind, "label": s.label, "bits": s.bits} for s in specs],
            "force": force,
        }
        return self._change(operator, f"/v1/plans/{plan_code}/draw/freeze", body)

    def commit_sources(
        self, operator: OperatorSession, draw_id: int, values: Sequence[SourceValue]
    ) -> DrawView:
        """The sources' values, once both entries agreed (``check_twice``)."""
        body = {"values": [{"label": v.label, "value": lottery.normalise_digits(v.value)} for v in values]}
        return self._change(operator, f"/v1/draws/{draw_id}/sources", body)

    def run(self, operator: OperatorSession, draw_id: int) -> DrawView:
        """The draw, at the centre, once. Check the result with ``check`` before showing any of it."""
        return self._change(operator, f"/v1/draws/{draw_id}/run")

    def publish(self, operator: OperatorSession, draw_id: int) -> DrawView:
        return self._change(operator, f"/v1/draws/{draw_id}/publish")

    def retract(
        self,
        operator: OperatorSession,
        draw_id: int,
        reason: str,
        second_username: str,
        second_password: str,
    ) -> DrawView:
        """Withdraw a draw for a recorded reason, with a second supervisor's password; it stays on record."""
        if not reason.strip():
            raise InvalidInput("请填写撤销原因", code="retract_reason_empty")
        if second_username.strip() == operator.username:
            raise InvalidInput(
                "撤销需另一位主管确认", hint="请另一位主管输入其账号和密码", code="second_same"
            )
        body = {
            "reason": reason.strip(),
            "second_username": second_username.strip(),
            "second_password": second_password,
        }
        return self._change(operator, f"/v1/draws/{draw_id}/retract", body)

    def record(self, draw_id: int, operator: OperatorSession | None = None) -> DrawView:
        """The centre's record of a draw, kept here too: under the supervisor's token at the console, else the
        device's (which the sync round keeps renewed)."""
        path = f"/v1/draws/{draw_id}"
        record = self._calls.read(operator, path) if operator else self._calls.read_as_device(path)
        return self._keep(record)

    # --- the local check ---

    def check(self, draw: DrawView) -> DrawResult:
        """The result recomputed here, after checking the centre's record agrees with it (DrawMismatch)."""
        return self._check.check(draw)

    def public_rows(self, draw: DrawView) -> list[PublicListRow]:
        """The checked result in rank order, masked, with pool and outcome labels (projection, notice board)."""
        if draw.result_text is None:
            raise KioskError("尚未摇号，还没有结果", code="draw_not_drawn")
        result = self.check(draw)
        listed = result.listed
        groups = dict(zip(listed.reg_nos, listed.groups, strict=True))

        def read() -> list[PublicListRow]:
            with self._uow() as uow:
                names = draw_names.Names.read(uow.session, draw.draw_id, list(groups))
            return [
                PublicListRow(
                    rank=o.rank,
                    reg_no=o.reg_no,
                    applicant_masked=names.applicant(o.reg_no),
                    id_masked=names.id_number(o.reg_no),
                    pool=o.pool,
                    pool_label=names.pool_label(o.pool),
                    group_label=draw_names.group_label(groups[o.reg_no]),
                    kind=o.kind,
                    outcome_label=names.outcome_label(o.kind, o.unit, o.number),
                )
                for o in result.outcomes
            ]

        return self._write(read)

    # --- the counter's lookup and prints ---

    def lookup(self, text: str) -> list[DrawOutcomeView]:
        """A household's results by ID number (applicant or member), filing no. or reg no., newest draw first.

        Input normalised as at the other searches (full-width digits, stray spaces, lower-case x); NotFound when
        no published draw here has it.
        """
        query = normalize(text)
        if not query:
            raise InvalidInput("请输入身份证号码、备案编号或登记编号", code="query_empty")

        def read() -> list[DrawOutcomeView]:
            with self._uow() as uow:
                return find_outcomes(uow.session, query, self._view)

        found = self._write(read)
        if not found:
            raise NotFound(
                f"没有查到 {text.strip()[:24]} 的摇号结果",
                hint="摇号结果公布后随同步下载到本机；请核对号码，或稍后同步后再查",
            )
        return found

    def result_notice_pdf(self, view: DrawOutcomeView) -> Path:
        """摇号结果通知书 as a PDF file readable by the kiosk's user only (slow: on the network lane)."""
        return self._prints.result_notice(view, self._clock())

    def print_result_notice(self, view: DrawOutcomeView, operator: OperatorSession) -> NoticePrinted:
        """The result notice made, kept and sent to the counter's printer (slow: on the network lane).

        Kept whatever the printer says: a jam loses nothing, the file can be printed again or handed over.
        """
        path = self.result_notice_pdf(view)
        printed, message = False, "本机未配置打印机，结果通知书已保存"
        if self._printer is not None:
            try:
                self._printer.print_pdf(path)
                printed, message = True, "摇号结果通知书已送打印机"
            except PrintFailed as exc:
                log.warning("result notice %s not printed (kept as %s): %s", view.reg_no, path, exc)
                message = f"结果通知书未打印：{exc}。文件已保存，可再次打印"
        now = self._clock()

        def record() -> None:
            with self._uow() as uow:
                audit.record(
                    uow.session,
                    action="draw_notice_print",
                    at=now,
                    counter=operator.counter,
                    operator_id=operator.id,
                    subject=view.reg_no,
                    draw_id=view.draw_id,
                    printed=printed,
                    file=path.name,
                )
                uow.commit()

        self._write(record)
        return NoticePrinted(path, printed, message)

    def public_list_pdf(self, draw_id: int) -> Path:
        draw, rows = self._public_list(draw_id)
        return self._prints.public_list_pdf(draw, rows, self._clock())

    def public_list_csv(self, draw_id: int) -> Path:
        draw, rows = self._public_list(draw_id)
        return self._prints.public_list_csv(draw, rows)

    # --- internals ---

    def _public_list(self, draw_id: int) -> tuple[DrawView, list[PublicListRow]]:
        """A published draw's list: the record kept here, else the centre's (kept for next time)."""
        draw = self._write(lambda: self._kept(draw_id))
        if draw is None:
            draw = self.record(draw_id)
        if draw.state not in SHOWN_STATES:
            raise KioskError("该摇号结果尚未公布，不能打印公示名单", code="draw_not_published")
        return draw, self.public_rows(draw)

    def _kept(self, draw_id: int) -> DrawView | None:
        with self._uow() as uow:
            row = uow.session.get(t.Draw, draw_id)
            return self._view(row.record_json) if row else None

    def _pool_labels(self) -> dict[str, str]:
        with self._uow() as uow:
            return draw_names.pool_labels(uow.session)

    def _change(self, operator: OperatorSession, path: str, body: dict[str, Any] | None = None) -> DrawView:
        """One console change under a fresh idempotency key; the record it answers is kept here, with the step
        in this counter's audit log too (the centre's own audit has it as well)."""
        view = self._keep(self._calls.change(operator, path, body), operator, path.rsplit("/", 1)[1])
        self._changes.publish(Change.DRAW)
        return view

    def _keep(
        self, record: dict[str, Any], operator: OperatorSession | None = None, step: str = ""
    ) -> DrawView:
        now = self._clock()
        view = self._view(record)

        def write() -> None:
            with self._uow() as uow:
                keep_record(uow.session, record, now)
                if operator is not None:
                    audit.record(
                        uow.session,
                        action=f"draw_{step}",
                        at=now,
                        counter=operator.counter,
                        operator_id=operator.id,
                        subject=view.plan_code,
                        draw_id=view.draw_id,
                        state=view.state,
                        list_hash=view.list_hash,
                        reason=view.retract_reason or "",
                    )
                uow.commit()

        self._write(write)
        return view

    def _view(self, record: dict[str, Any]) -> DrawView:
        return draw_view(record, self._calls.base_url)
