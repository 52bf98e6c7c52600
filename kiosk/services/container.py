"""The services one counter uses, built once by the composition root (kiosk/bootstrap.py) and handed to the UI.

Light on purpose: the window is typed on it before the first frame, and the services' modules (SQLAlchemy,
reportlab, requests) load only when the root builds them, behind the login screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.services.auth import AuthService
    from kiosk.services.catalog import CatalogService
    from kiosk.services.changes import ChangeNotice
    from kiosk.services.draws import DrawService
    from kiosk.services.exports import ExportService
    from kiosk.services.households import HouseholdService
    from kiosk.services.records import RecordsService
    from kiosk.services.registration import RegistrationService
    from kiosk.services.selection import SelectionService
    from kiosk.services.slip_printing import SlipService
    from kiosk.services.sync import SyncService


@dataclass(frozen=True)
class Services:
    auth: AuthService
    households: HouseholdService
    catalog: CatalogService
    registration: RegistrationService
    records: RecordsService
    exports: ExportService  # a supervisor's CSV / XLSX of the registrations, audited
    slips: SlipService
    sync: SyncService
    draws: DrawService  # the lottery: the supervisor's console calls, the households' results and prints
    selection: (
        SelectionService  # on-site unit selection: the counter's steps at the centre, the result sheets
    )
    changes: ChangeNotice  # the one every service above publishes to; the UI relays it to the GUI thread
