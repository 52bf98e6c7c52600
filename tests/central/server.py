"""A real uvicorn server on a loopback port, in a thread, serving whichever app the current test hands it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from kiosk_central.throwaway_pg import free_port

REPO = Path(__file__).resolve().parents[2]


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


@contextmanager
def serve_in_subprocess(
    *args: str, start_within: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``kiosk-central serve ARGS`` as an admin starts it, in its own process on a free loopback port.

    Yields the base URL and the process once ``/v1/health`` answers; stops it afterwards (killed if it lingers).
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "kiosk_central",
        "serve",
        *args,
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_within
        while True:  # polled: the server's start is the progress waited for, the deadline only a hang guard
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"kiosk-central serve did not start: {out[-2000:]}")
            time.sleep(0.05)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if proc.stdout:
            proc.stdout.close()
