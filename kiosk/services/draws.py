"""The public lottery at the counter: the supervisor's console calls to the centre, the local check of its
result, and the households' results pulled on sync (lookup, result notice, public list).

Centre calls run on whatever thread calls them (the UI puts them on the network lane) with this service's own
client, which holds no token: the signed-in supervisor's operator token is read from the keyring for each
change (it carries the device too), the device token for reads. Local reads and writes go through the unit of
work like every other service, handed to ``writer`` (the database lane) when the caller is elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.services.draw_views import (
    DrawOutcomeView,
    DrawView,
    PublicListRow,
    ReadyPlan,
    SourceSpec,
    SourceValue,
)
from kiosk.services.views import OperatorSession

if TYPE_CHECKING:
    from kiosk_core.lottery import DrawResult


def check_twice(first: Sequence[SourceValue], second: Sequence[SourceValue]) -> tuple[SourceValue, ...]:
    """The sources as two people entered them, normalised; raises SourcesDiffer naming every label that differs."""
    raise NotImplementedError


class DrawService:
    def ready_plans(self, operator: OperatorSession) -> list[ReadyPlan]:
        """Quick plans whose window has closed, with pools, entries, the current draw and unsent counters."""
        raise NotImplementedError

    def freeze(
        self, operator: OperatorSession, plan_code: str, specs: Sequence[SourceSpec], force: bool = False
    ) -> DrawView:
        """Freeze the plan's entry list and commit to the sources' kinds and labels (no values yet)."""
        raise NotImplementedError

    def commit_sources(
        self, operator: OperatorSession, draw_id: int, values: Sequence[SourceValue]
    ) -> DrawView:
        """The sources' values, once both entries agreed (``check_twice``)."""
        raise NotImplementedError

    def run(self, operator: OperatorSession, draw_id: int) -> DrawView:
        """The draw, at the centre, once. Check the result with ``check`` before showing any of it."""
        raise NotImplementedError

    def publish(self, operator: OperatorSession, draw_id: int) -> DrawView:
        raise NotImplementedError

    def retract(
        self,
        operator: OperatorSession,
        draw_id: int,
        reason: str,
        second_username: str,
        second_password: str,
    ) -> DrawView:
        """Withdraw a draw for a recorded reason, with a second supervisor's password; it stays on record."""
        raise NotImplementedError

    def record(self, draw_id: int) -> DrawView:
        """The centre's record of a draw (device token), kept here too."""
        raise NotImplementedError

    def local_result(self, draw: DrawView) -> DrawResult:
        """The draw recomputed here from its published list, pools, sources and cancellations."""
        raise NotImplementedError

    def check(self, draw: DrawView) -> DrawResult:
        """``local_result``, after checking the centre's seed, result and hashes agree with it (DrawMismatch)."""
        raise NotImplementedError

    def public_rows(self, draw: DrawView) -> list[PublicListRow]:
        """The checked result in rank order, masked, with pool and outcome labels (projection, notice board)."""
        raise NotImplementedError

    def lookup(self, text: str) -> list[DrawOutcomeView]:
        """A household's results by ID number (applicant or member), filing no. or reg no., newest draw first.

        Input normalised as at the other searches (full-width digits, stray spaces, lower-case x); NotFound when
        no published draw here has it.
        """
        raise NotImplementedError

    def result_notice_pdf(self, view: DrawOutcomeView) -> Path:
        """摇号结果通知书 as a PDF file readable by the kiosk's user only."""
        raise NotImplementedError

    def public_list_pdf(self, draw_id: int) -> Path:
        raise NotImplementedError

    def public_list_csv(self, draw_id: int) -> Path:
        raise NotImplementedError
