"""Schema-driven fuzzing of the real central service: every operation of its OpenAPI document, over HTTP.

schemathesis generates requests from /openapi.json (valid ones and ones that break the schema on purpose) and
sends them with a device token to a real uvicorn on loopback serving SQLite with the test world. Any 5xx, or an
answer that its own document does not describe, fails the test. A bounded number of examples per operation
keeps the whole run under a minute on the 2-core development machine; the examples are derived from a fixed
seed, so a failure repeats.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import build
from kiosk_central.config import Settings
from tests.central.api import Api
from tests.central.server import LiveServer
from tests.central.world import NOW, build_world
from tests.fakes import CHEAP_HASHER, MovableClock

# A deeper run: KIOSK_FUZZ_EXAMPLES=500 pytest tests/central/test_fuzz.py
EXAMPLES_PER_OPERATION = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "40"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _document() -> dict[str, Any]:
    """The document the service serves; it does not depend on the data, so an empty database will do."""
    central = build(Settings(database_url="sqlite://"))
    try:
        return create_app(central).openapi()
    finally:
        central.close()


# Loaded when the module is collected: schemathesis' fixture-based loader does not run on pytest 9.
schema = schemathesis.openapi.from_dict(_document())


@dataclass
class Target:
    base_url: str
    token: str


@pytest.fixture(scope="module")
def fuzz_target(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    db = tmp_path_factory.mktemp("fuzz") / "central.db"
    shutil.copyfile(sqlite_template, db)
    central = build(Settings(database_url=f"sqlite:///{db}"), clock=MovableClock(NOW), hasher=CHEAP_HASHER)
    with central.db.session() as s:
        build_world(s)
        central.auth.create_operator(s, "clerk1", "王晓梅", "clerk", "clerk-pass-1")
    try:
        with LiveServer() as server, server.serving(create_app(central)) as client:
            yield Target(server.base_url, Api.enrolled(central, client).token)
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
def test_no_request_gets_a_server_error_or_an_undocumented_answer(case: Any, fuzz_target: Target) -> None:
    case.headers = dict(case.headers or {})
    if "Idempotency-Key" in case.headers:
        # A fresh key each time gets the body past the key check into validation and the rules.
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    case.headers["Authorization"] = f"Bearer {fuzz_target.token}"
    response = case.call(base_url=fuzz_target.base_url, timeout=30)
    case.validate_response(response, checks=CHECKS)
