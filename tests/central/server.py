"""A real uvicorn server on a loopback port, in a thread, serving whichever app the current test hands it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from kiosk_central.throwaway_pg import free_port


class _SwitchableApp:
    """One server for the session; each test plugs in its own app (its own database and clock)."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            raise RuntimeError("no app plugged in")
        await self.app(scope, receive, send)


class LiveServer:
    def __init__(self) -> None:
        self.port = free_port()
        self._switch = _SwitchableApp()
        config = uvicorn.Config(
            self._switch,
            host="127.0.0.1",
            port=self.port,
            lifespan="off",
            log_level="warning",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    @contextmanager
    def serving(self, app: Any) -> Iterator[httpx.Client]:
        self._switch.app = app
        try:
            with httpx.Client(base_url=self.base_url, timeout=30) as client:
                yield client
        finally:
            self._switch.app = None
