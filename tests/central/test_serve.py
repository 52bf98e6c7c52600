"""``kiosk-central serve`` as an admin starts it: a subprocess with uvicorn workers on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk_central.throwaway_pg import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(database_url: str) -> Iterator[str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "kiosk_central",
        "serve",
        "--database-url",
        database_url,
        "--port",
        str(port),
    ]
    cmd += ["--workers", "2", "--log-level", "warning"]
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"kiosk-central serve did not start: {out[-2000:]}")
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if proc.stdout:
            proc.stdout.close()


def test_serve_with_workers(served: str, database_url: str) -> None:
    from kiosk_central.cli import main

    assert main(["enroll-device", "--counter", "01", "--name", "一号", "--database-url", database_url]) == 0
    with httpx.Client(base_url=served) as client:
        assert client.get("/openapi.json").json()["info"]["title"] == "Kiosk central service"
        r = client.post("/v1/auth/device", json={"device_id": "nobody", "secret": "x"})
        assert (r.status_code, r.json()["code"]) == (401, "bad_credentials")


def test_workers_turn_nagle_off() -> None:
    """Without TCP_NODELAY on the shared socket each response waited ~40 ms for a delayed ACK."""
    from kiosk_central.server import _Config

    sock = _Config("x:y", port=free_port()).bind_socket()
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()
