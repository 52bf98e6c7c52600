"""What the lottery's services hand to the console, the projection and the counter's lookup: frozen values, names
and ID numbers already masked, and the lottery's typed errors.

Light on purpose (no SQLAlchemy, reportlab or requests): the UI imports it to type its screens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from kiosk_core.errors import KioskError
from kiosk_core.lottery import DrawMismatch  # the centre's result differs from ours: show nothing

__all__ = ["DrawMismatch"]  # re-exported: the UI catches it from here

DIGIT_BITS = math.log2(10)

STATE_LABELS = {
    "frozen": "名单已冻结",
    "committed": "随机源已录入",
    "drawn": "已摇号，待公布",
    "published": "已公布",
    "retracted": "已撤销",
}
MODE_LABELS = {"units": "摇号分配房源", "selection": "摇号确定选房顺序"}
KIND_LABELS = {"digits": "现场数字", "public": "公开开奖结果"}


class DrawOffline(KioskError):
    """The centre did not answer (network, timeout, 5xx, no centre configured): nothing was decided there."""

    code = "draw_offline"


class DrawRefused(KioskError):
    """The centre answered no (window still open, unsent registrations at a counter, a draw already run …), in
    its words; ``code`` is the centre's (unsent_registrations, draw_exists, window_open, …)."""

    code = "draw_refused"


class DrawRecordMismatch(DrawMismatch):
    """The centre's hash, seed or mode is not what this counter computes from the same files."""

    def __init__(self, what: str, expected: str, found: str) -> None:
        KioskError.__init__(
            self,
            f"中心记录的{what}与本机计算不一致",
            hint="请勿公布，请主管核对名单、随机源与算法版本",
        )
        self.rank = 0
        self.expected = expected
        self.found = found


class SourcesDiffer(KioskError):
    """The two people's entries of the sources differ: nothing is sent."""

    code = "sources_differ"

    def __init__(self, labels: tuple[str, ...]) -> None:
        super().__init__(
            "两次录入的随机源不一致：" + "、".join(labels),
            hint="请两人核对现场结果后重新录入这几项",
        )
        self.labels = labels


@dataclass(frozen=True)
class SourceSpec:
    """A source committed to before the event (its value comes on the day): kind ``digits`` or ``public``."""

    kind: str
    label: str
    bits: float

    @classmethod
    def digits(cls, label: str, count: int) -> SourceSpec:
        """``count`` digits drawn on site (balls, dice): each worth log2(10) bits."""
        return cls("digits", label, count * DIGIT_BITS)

    @classmethod
    def public(cls, label: str, bits: float) -> SourceSpec:
        """A named future public result, worth the bits the supervisor declares (0 if unknown)."""
        return cls("public", label, bits)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class SourceValue:
    """One committed source's value as entered on the day (normalised by the service before it is sent)."""

    label: str
    value: str


@dataclass(frozen=True)
class UnsentCounter:
    """A counter the centre knows holds registrations it has not sent yet (its last sync request said so)."""

    counter: str
    unsent: int
    reported_at: datetime | None


@dataclass(frozen=True)
class ReadyPool:
    code: str  # "{project_code}/{unit_type_code}"
    label: str  # 项目 · 户型, from this counter's catalog ("" if unknown here)
    entries: int
    units: int
    quotas: tuple[tuple[str, int], ...]  # (priority group, quota) in the order served


@dataclass(frozen=True)
class ReadyPlan:
    """A quick plan whose window has closed, as the console lists it."""

    plan_code: str
    plan_name: str
    entries: int
    pools: tuple[ReadyPool, ...]
    draw_id: int | None  # its current draw, if any
    draw_state: str | None
    unsent: tuple[
        UnsentCounter, ...
    ]  # every counter with unsent registrations: a freeze is refused (unless forced)
    window_end: datetime | None = None
    mode: str = "units"  # units | selection

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(self.mode, self.mode)

    @property
    def draw_state_label(self) -> str:
        return STATE_LABELS.get(self.draw_state or "", "未冻结")

    @property
    def can_freeze(self) -> bool:
        return self.draw_id is None or self.draw_state == "retracted"


@dataclass(frozen=True)
class DrawView:
    """One draw as the centre records it (kiosk_core.wire.DrawRecord), its times in local wall time."""

    draw_id: int
    plan_code: str
    plan_name: str
    state: str  # kiosk_core.wire.DrawState value
    algorithm: str
    mode: str  # units | selection
    list_text: str
    list_hash: str
    pools_text: str
    pools_hash: str
    source_specs: tuple[SourceSpec, ...]
    sources_text: str | None
    seed: str | None  # hex
    cancelled: tuple[str, ...]
    result_text: str | None
    result_hash: str | None
    frozen_at: datetime
    drawn_at: datetime | None
    published_at: datetime | None
    retracted_at: datetime | None
    retract_reason: str | None
    replaces: int | None
    public_url: str  # the public record, ""  when no centre is configured
    record: dict[str, object] = field(repr=False, compare=False, default_factory=dict)  # as received

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(self.mode, self.mode)

    @property
    def entries(self) -> int:
        return self.list_text.count("\n")

    @property
    def verifier_url(self) -> str:
        return verifier_url(self.public_url)

    @property
    def bits(self) -> float:
        return sum(spec.bits for spec in self.source_specs)


@dataclass(frozen=True)
class PublicListRow:
    """One line of the public results list (notice board, CSV, projection): masked, in rank order."""

    rank: int
    reg_no: str
    applicant_masked: str  # 张*明; "" when this counter does not know the household
    id_masked: str  # 1101**********002X; "" likewise
    pool: str
    pool_label: str
    group_label: str  # "" for none
    kind: str  # unit | waiting | order | skipped
    outcome_label: str


@dataclass(frozen=True)
class DrawOutcomeView:
    """A household's result in one draw, as the counter's lookup shows it and the result notice prints it."""

    draw_id: int
    plan_code: str
    plan_name: str
    reg_no: str
    filing_no: str  # "" when this counter does not know the household
    applicant_masked: str
    id_masked: str
    rank: int
    entries: int  # how many were drawn (rank r of N)
    pool: str
    pool_label: str
    group_label: str
    kind: str  # unit | waiting | order | skipped
    unit_code: str | None
    number: int | None  # waiting number or selection order
    outcome_label: str  # 3栋0301室 / 轮候号 3 / 选房顺序号 5 / 登记已取消，不参与分配
    list_hash: str
    seed: str
    result_hash: str
    algorithm: str
    state: str  # published or retracted
    published_at: datetime | None
    retracted_at: datetime | None
    retract_reason: str | None
    public_url: str

    @property
    def retracted(self) -> bool:
        return self.state == "retracted"

    @property
    def verifier_url(self) -> str:
        """Where anyone downloads the one-file verifier that replays the draw (``""`` with no centre)."""
        return verifier_url(self.public_url)

    @property
    def qr_payload(self) -> str:
        """The public record of the draw, with this registration's number to find its line."""
        return f"{self.public_url}?reg_no={self.reg_no}" if self.public_url else self.reg_no


def verifier_url(public_url: str) -> str:
    """``…/public/draws/7`` → ``…/public/verify_draw.py``, the centre's download of tools/verify_draw.py."""
    base, found, _ = public_url.rpartition("/draws/")
    return f"{base}/verify_draw.py" if found else ""
