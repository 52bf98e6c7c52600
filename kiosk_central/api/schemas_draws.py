"""The lottery's bodies as the OpenAPI document shows them; the records' fields equal kiosk_core.wire's."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kiosk_core.passwords import MAX_LENGTH as MAX_PASSWORD

MAX_SOURCES = 16


class DrawSourceSpec(BaseModel):
    kind: str = Field(max_length=16, examples=["digits"], description="digits (drawn on site) | public")
    label: str = Field(max_length=200, examples=["公证员现场摇号球 第1组"])
    bits: float = Field(
        ge=0,
        le=100_000,
        allow_inf_nan=False,
        examples=[132.8771237954945],
        description="digits: the digit count × log2(10); public: the entropy declared for it",
    )


class FreezeRequest(BaseModel):
    sources: list[DrawSourceSpec] = Field(
        max_length=MAX_SOURCES, description="in the order they enter the seed"
    )
    force: bool = Field(False, description="freeze although counters reported unsent registrations")


class SourceValue(BaseModel):
    label: str = Field(max_length=200)
    value: str = Field(
        max_length=400, description="the digits (full-width digits, spaces and commas are allowed)"
    )


class SourcesRequest(BaseModel):
    values: list[SourceValue] = Field(max_length=MAX_SOURCES, description="one per committed source")


class RetractRequest(BaseModel):
    reason: str = Field(max_length=500)
    second_username: str = Field(max_length=64, description="another supervisor, who confirms")
    second_password: str = Field(max_length=MAX_PASSWORD)


class DrawRecord(BaseModel):
    draw_id: int
    plan_code: str
    plan_name: str
    state: str = Field(examples=["frozen"], description="frozen | committed | drawn | published | retracted")
    algorithm: str = Field(examples=["kiosk-draw-1"])
    mode: str = Field(examples=["units"], description="units | selection")
    list_text: str = Field(description="the frozen list file: reg_no, pool, group per line")
    list_hash: str
    pools_text: str
    pools_hash: str
    source_specs: list[DrawSourceSpec]
    sources_text: str | None
    seed: str | None = Field(description="hex")
    cancelled: list[str] = Field(description="reg_nos on the list cancelled after the freeze: skipped")
    result_text: str | None
    result_hash: str | None
    frozen_at: datetime
    drawn_at: datetime | None
    published_at: datetime | None
    retracted_at: datetime | None
    retract_reason: str | None
    replaces: int | None = Field(description="the retracted draw of the plan this one replaces")


class DrawOutcomeRow(BaseModel):
    draw_id: int
    plan_code: str
    reg_no: str
    rank: int
    pool: str
    kind: str = Field(
        examples=["unit"], description="unit | waiting | order | skipped | withdrawn (retracted)"
    )
    unit_code: str | None
    number: int | None
    filing_no: str | None = Field(description="the household's filing no., for look-ups at any counter")


class OutcomesPage(BaseModel):
    version: int = Field(description="the next `since`")
    more: bool
    changes: list[DrawOutcomeRow]


class GroupCount(BaseModel):
    group: str = Field(examples=["elderly"])
    count: int


class ReadyPool(BaseModel):
    pool: str = Field(examples=["P-CY-01/P-CY-01-1R"])
    project_code: str
    unit_type_code: str
    unit_type_name: str
    entries: int
    units: int = Field(description="free units of the unit type")
    quotas: list[GroupCount]
    groups: list[GroupCount] = Field(description="entries per priority group")


class DrawRef(BaseModel):
    draw_id: int
    state: str


class ReadyPlan(BaseModel):
    plan_code: str
    plan_name: str
    window_end: datetime
    mode: str
    entries: int
    pools: list[ReadyPool]
    draw: DrawRef | None = Field(description="the plan's latest draw (a retracted one too)")


class CounterUnsent(BaseModel):
    counter: str
    device_name: str
    unsent: int
    reported_at: datetime


class ReadyPlans(BaseModel):
    at: datetime
    plans: list[ReadyPlan]
    unsent: list[CounterUnsent] = Field(description="counters whose last X-Kiosk-Unsent was above 0")


class PublicDraw(BaseModel):
    draw_id: int
    plan_code: str
    plan_name: str
    state: str
    entries: int
    list_hash: str
    result_hash: str | None
    frozen_at: datetime
    published_at: datetime | None
    retracted_at: datetime | None
    replaces: int | None


class PublicDraws(BaseModel):
    draws: list[PublicDraw]
    verifier: str = Field(examples=["/public/verify_draw.py"])
