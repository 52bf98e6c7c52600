"""The sign-in asks the centre on the network lane: a slow centre never holds up the counter's database lane."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.secrets import SecretStore, operator_token_name
from kiosk.storage import tables as t
from kiosk.ui.login_screen import LoginScreen
from kiosk.ui.workers import Lane, run_in_background, wait_for_lanes
from kiosk_central.api.app import create_app
from tests.central.server import LiveServer
from tests.sync.conftest import (  # noqa: F401  (fixtures: a real centre on loopback, counters enrolled there)
    CentralUnderTest,
    KioskFactory,
    centre,
    kiosk,
    live_server,
    memory_keyring,
)
from tests.ui.conftest import Hold

SIGN_IN_PATH = "/v1/auth/operator"


class HeldSignIn:
    """The real centre's app, but its operator sign-in waits until the test lets it go (or answers 503)."""

    def __init__(self, app: Any, *, away: bool = False):
        self._app = app
        self._away = away
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == SIGN_IN_PATH:
            self.arrived.set()
            await asyncio.to_thread(self.release.wait)
            if self._away:
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
        await self._app(scope, receive, send)


@pytest.fixture
def counter(kiosk: KioskFactory) -> Iterator[Built]:  # noqa: F811
    k = kiosk("01", synced=True)  # as after its first sync
    k.services.sync.sync_once()  # the operators come down, the device token goes into the keyring
    yield k
    wait_for_lanes(10_000)


def _held(
    live_server: LiveServer,  # noqa: F811
    centre: CentralUnderTest,  # noqa: F811
    *,
    away: bool = False,
) -> tuple[HeldSignIn, Any]:
    gate = HeldSignIn(create_app(centre.central), away=away)
    return gate, live_server.serving(gate)


def _press_sign_in(screen: LoginScreen, qtbot: QtBot, username: str, password: str) -> None:
    screen.username.setText(username)
    screen.password.setText(password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)


def _audited(k: Built, action: str) -> list[dict[str, object]]:
    with k.engine.connect() as c:
        return [dict(d) for d in c.scalars(select(t.AuditEntry.detail).where(t.AuditEntry.action == action))]


def test_database_lane_works_on_while_the_centre_weighs_a_sign_in(
    qtbot: QtBot,
    hold: Hold,
    counter: Built,
    centre: CentralUnderTest,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    gate, serving = _held(live_server, centre)
    with serving:
        screen = LoginScreen(lambda: counter.services.auth)
        hold(screen)
        screen.show()
        signed_in: list[object] = []
        screen.logged_in.connect(signed_in.append)
        try:
            _press_sign_in(screen, qtbot, "clerk1", "kiosk-demo-1")
            qtbot.waitUntil(gate.arrived.is_set, timeout=10_000)

            read: list[bool] = []
            run_in_background(
                screen,
                counter.services.auth.has_operators,
                read.append,
                lambda e: read.append(False),
                Lane.DATABASE,
            )
            # Well inside the sign-in client's read timeout (15 s): a database lane waiting for the centre fails
            # here, or, had it waited that long, finds the sign-in already over below.
            qtbot.waitUntil(lambda: bool(read), timeout=5_000)
            assert read == [True]
            assert not gate.release.is_set()
            assert not screen.sign_in.isEnabled(), "the button stays off while the centre is asked"
            assert signed_in == []
        finally:
            gate.release.set()
        qtbot.waitUntil(lambda: bool(signed_in), timeout=10_000)
    assert [s.username for s in signed_in] == ["clerk1"]  # type: ignore[attr-defined]
    assert screen.sign_in.isEnabled() and screen.error.isHidden()
    # The network step kept the operator's token from the centre (in the keyring, not the database).
    assert SecretStore(service="kiosk-test-01").get(operator_token_name("clerk1"))


def test_a_centre_away_lets_the_local_sign_in_stand(
    qtbot: QtBot,
    hold: Hold,
    counter: Built,
    centre: CentralUnderTest,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    gate, serving = _held(live_server, centre, away=True)
    gate.release.set()
    with serving:
        screen = LoginScreen(lambda: counter.services.auth)
        hold(screen)
        screen.show()
        with qtbot.waitSignal(screen.logged_in, timeout=10_000) as blocker:
            _press_sign_in(screen, qtbot, "clerk1", "kiosk-demo-1")
    assert gate.arrived.is_set()
    assert blocker.args[0].username == "clerk1"
    assert screen.sign_in.isEnabled() and screen.error.isHidden()
    assert _audited(counter, "login_refused_by_centre") == []


def test_a_refusal_by_the_centre_is_shown_recorded_and_disables_the_account_here(
    qtbot: QtBot,
    hold: Hold,
    counter: Built,
    centre: CentralUnderTest,  # noqa: F811
) -> None:
    with centre.central.db.session() as s:
        centre.central.auth.disable_operator(s, "clerk1", actor="admin")
    screen = LoginScreen(lambda: counter.services.auth)
    hold(screen)
    screen.show()
    signed_in: list[object] = []
    screen.logged_in.connect(signed_in.append)
    _press_sign_in(screen, qtbot, "clerk1", "kiosk-demo-1")
    qtbot.waitUntil(lambda: screen.sign_in.isEnabled() and not screen.error.isHidden(), timeout=10_000)
    assert "此账号已被中心停用，请联系管理员" in screen.error.text()
    assert signed_in == []
    assert screen.password.text() == ""
    assert _audited(counter, "login_refused_by_centre") == [{"code": "operator_disabled"}]
    with counter.engine.connect() as c:
        assert c.scalar(select(t.Operator.active).where(t.Operator.username == "clerk1")) is False

    # Refused offline too from now on: the local check alone says so, before any centre is asked.
    _press_sign_in(screen, qtbot, "clerk1", "kiosk-demo-1")
    qtbot.waitUntil(lambda: screen.sign_in.isEnabled(), timeout=10_000)
    assert "此账号已被中心停用，请联系管理员" in screen.error.text()
    assert _audited(counter, "login_refused") == [{"code": "operator_disabled"}]
    assert signed_in == []
