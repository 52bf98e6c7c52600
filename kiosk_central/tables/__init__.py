"""Tables of the central database (SQLite or PostgreSQL, one schema, one migration set).

One module a part of the schema; every table is imported here, so ``Base.metadata`` holds them all and callers
import any of them from ``kiosk_central.tables``.
"""

from __future__ import annotations

from kiosk_central.tables.access import AdminAudit, Device, Operator, OverrideAudit, Token
from kiosk_central.tables.base import ACTIVE_PERSON, ACTIVE_REGISTRATION, NAMING, Base, Counter, JSONValue
from kiosk_central.tables.catalog import Household, Member, Notice, Photo, Plan, Project, Unit, UnitType
from kiosk_central.tables.draws import CURRENT_DRAW, Draw, DrawAudit, DrawOutcome, PoolQuota
from kiosk_central.tables.registrations import KeyFingerprint, Registration, RegistrationPerson
from kiosk_central.tables.selection import (
    SelectionChoice,
    SelectionEvent,
    SelectionPlan,
    SelectionRound,
    SelectionTurn,
    SelectionWish,
)
from kiosk_central.tables.sync import AuditHeadSeen, DeviceUnsent, IdempotencyRecord

__all__ = [
    "ACTIVE_PERSON",
    "ACTIVE_REGISTRATION",
    "AdminAudit",
    "AuditHeadSeen",
    "Base",
    "CURRENT_DRAW",
    "Counter",
    "Device",
    "DeviceUnsent",
    "Draw",
    "DrawAudit",
    "DrawOutcome",
    "Household",
    "IdempotencyRecord",
    "JSONValue",
    "KeyFingerprint",
    "Member",
    "NAMING",
    "Notice",
    "Operator",
    "OverrideAudit",
    "Photo",
    "Plan",
    "PoolQuota",
    "Project",
    "Registration",
    "RegistrationPerson",
    "SelectionChoice",
    "SelectionEvent",
    "SelectionPlan",
    "SelectionRound",
    "SelectionTurn",
    "SelectionWish",
    "Token",
    "Unit",
    "UnitType",
]
