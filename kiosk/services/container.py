"""The services one counter uses, built once by the composition root and handed to the UI."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.services.auth import AuthService
from kiosk.services.catalog import CatalogService
from kiosk.services.households import HouseholdService
from kiosk.services.records import RecordsService
from kiosk.services.registration import RegistrationService
from kiosk.services.slip_printing import SlipService
from kiosk.services.sync import SyncService


@dataclass(frozen=True)
class Services:
    auth: AuthService
    households: HouseholdService
    catalog: CatalogService
    registration: RegistrationService
    records: RecordsService
    slips: SlipService
    sync: SyncService
