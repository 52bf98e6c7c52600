"""Schema-driven fuzzing of the selection operations with a supervisor's token, on an arranged selection.

Requests get past sign-in into the rules (arranging, calling, wishes, confirmations with whatever the document
allows and more). Any 5xx or an answer the document does not describe fails.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import build
from kiosk_central.config import Settings
from tests.central.api import Api
from tests.central.draw_world import ok
from tests.central.selection_world import arrange, drawn_for_selection
from tests.central.server import LiveServer
from tests.central.test_fuzz import CHECKS, EXAMPLES_PER_OPERATION, _document
from tests.central.world import NOW, build_world
from tests.fakes import CHEAP_HASHER, MovableClock

schema = schemathesis.openapi.from_dict(_document()).include(path_regex="selection")


@dataclass
class Target:
    base_url: str
    token: str


@pytest.fixture(scope="module")
def selection_target(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    db = tmp_path_factory.mktemp("selection-fuzz") / "central.db"
    shutil.copyfile(sqlite_template, db)
    clock = MovableClock(NOW)
    central = build(Settings(database_url=f"sqlite:///{db}"), clock=clock, hasher=CHEAP_HASHER)
    with central.db.session() as s:
        build_world(s)
        central.auth.create_operator(s, "clerk1", "王晓梅", "clerk", "clerk-pass-1")
        central.auth.create_operator(s, "super1", "李建国", "supervisor", "super-pass-1")
    try:
        with LiveServer() as server, server.serving(create_app(central)) as client:
            api = Api.enrolled(central, client)
            console = drawn_for_selection(central, api, clock)
            ok(arrange(console))
            yield Target(server.base_url, console.token)
    finally:
        central.close()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_selection_request_gets_a_server_error(case: Any, selection_target: Target) -> None:
    case.headers = dict(case.headers or {})
    if "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    case.headers["Authorization"] = f"Bearer {selection_target.token}"
    response = case.call(base_url=selection_target.base_url, timeout=30)
    case.validate_response(response, checks=CHECKS)
