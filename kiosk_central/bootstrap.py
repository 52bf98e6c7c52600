"""The composition root: settings in, database and services out; the CLI, the app and the tests build here."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher

from kiosk_central.clock import Clock, system_clock
from kiosk_central.config import Settings
from kiosk_central.db import Database
from kiosk_central.services.auth import AuthService
from kiosk_central.services.draws import DrawService
from kiosk_central.services.events import EventService
from kiosk_central.services.selection import SelectionService
from kiosk_central.services.unsent import UnsentReports


@dataclass(frozen=True)
class Central:
    settings: Settings
    db: Database
    clock: Clock
    auth: AuthService
    events: EventService
    draws: DrawService
    selection: SelectionService

    def close(self) -> None:
        self.db.dispose()


def build(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    hasher: PasswordHasher | None = None,
    db: Database | None = None,
) -> Central:
    db = db or Database(settings.database_url, id_key=settings.id_key)
    hasher = hasher or PasswordHasher()
    auth = AuthService(clock, hasher, settings.device_token_ttl, settings.operator_token_ttl)
    draws = DrawService(clock, hasher, UnsentReports(clock))
    events = EventService(clock, settings.max_clock_skew)
    return Central(settings, db, clock, auth, events, draws, SelectionService(clock))
