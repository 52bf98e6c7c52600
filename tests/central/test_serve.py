"""``kiosk-central serve`` as an admin starts it: a subprocess with uvicorn workers on a loopback port."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from kiosk_central.throwaway_pg import free_port
from tests.central.server import serve_in_subprocess


@pytest.fixture
def served(database_url: str) -> Iterator[str]:
    with serve_in_subprocess("--database-url", database_url, "--workers", "2", start_within=30) as (
        base,
        _proc,
    ):
        yield base


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
