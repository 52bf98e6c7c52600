"""Request bodies past their cap are refused (413, coded) before the token check or the JSON parser holds them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk_central.api.body_limit import MAX_BATCH_BODY, MAX_BODY
from kiosk_central.bootstrap import Central
from kiosk_central.tables import Registration
from tests.central.api import Api
from tests.central.server import serve_in_subprocess
from tests.central.world import FAMILIES, new_key, registration

MB = 1024 * 1024


def _too_large(r: httpx.Response) -> None:
    assert r.status_code == 413, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "body_too_large"
    assert "请求内容超过" in body["message"] and body["hint"]


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    block = b" " * size
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        yield block[:n]
        sent += n


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_registration_past_the_cap_is_refused_and_not_stored(api: Api, world: Central) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"]["note"] = "x" * MAX_BODY
    _too_large(api.register(body))
    # Before any token is looked at, and when the body comes in chunks with no length declared.
    text = json.dumps(body).encode()
    _too_large(
        api.client.post("/v1/registrations", content=text, headers={"Content-Type": "application/json"})
    )
    _too_large(
        api.client.post(
            "/v1/auth/device",
            content=_chunks(2 * MAX_BODY, 4096),
            headers={"Content-Type": "application/json"},
        )
    )
    with world.db.session() as s:
        assert s.query(Registration).count() == 0
    body["payload"]["note"] = "x" * (MAX_BODY // 2)  # under the cap: an ordinary registration
    assert api.register(body).status_code == 201


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_batch_has_a_larger_cap_and_still_one(api: Api) -> None:
    items: list[dict[str, Any]] = []
    for seq in range(1, 201):
        event = registration(FAMILIES["ok"], seq=seq)
        event["payload"]["note"] = "n" * 8000
        items.append({"kind": "registration", "idempotency_key": new_key(), **event})
    r = api.post("/v1/events/batch", {"events": items})  # 1.7 MB: past a single message's cap
    assert r.status_code == 200, r.text[:300]
    assert [x["status"] for x in r.json()["results"]][:2] == [201, 409]
    for item in items:
        item["payload"]["note"] = "n" * 25000
    _too_large(api.post("/v1/events/batch", {"events": items}))  # 5 MB


@pytest.fixture
def served_alone(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """``kiosk-central serve`` in its own process (one, no workers), so its memory can be read from /proc."""
    with serve_in_subprocess("--data-dir", str(tmp_path)) as (base, proc):
        yield base, proc.pid


def _peak_rss(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_150_mb_without_a_token_does_not_grow_the_server(served_alone: tuple[str, int]) -> None:
    base, pid = served_alone
    size = 150 * MB
    with httpx.Client(base_url=base, timeout=120) as client:
        # Warm up the path the refusal takes (imports, first JSON answer) before the baseline.
        _too_large(client.post("/v1/registrations", content=b" " * (MAX_BODY + 1)))
        before = _peak_rss(pid)
        declared = {"Content-Length": str(size), "Content-Type": "application/json"}
        _too_large(client.post("/v1/registrations", content=_chunks(size), headers=declared))
        chunked = client.post(
            "/v1/events/batch", content=_chunks(size), headers={"Content-Type": "application/json"}
        )
        _too_large(chunked)
        assert client.get("/v1/health").status_code == 200  # and it still serves
    grown = _peak_rss(pid) - before
    # At most the batch cap is ever held, plus the server's own reading buffers.
    assert grown < MAX_BATCH_BODY + 4 * MB, f"server peak memory grew by {grown / MB:.0f} MB"


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(
    ("path", "field", "limit"),
    [
        ("/v1/auth/device", "device_id", 64),
        ("/v1/auth/device", "secret", 128),
        ("/v1/auth/operator", "username", 64),
        ("/v1/auth/operator", "password", 128),
    ],
)
def test_sign_in_fields_past_their_length_are_refused_with_a_code(
    api: Api, path: str, field: str, limit: int
) -> None:
    body = {"device_id": api.device_id, "secret": api.secret, "username": "clerk1", "password": "x"}
    body[field] = "7" * (limit + 1)
    r = api.client.post(path, json=body, headers=api.auth)
    assert r.status_code == 422, r.text
    answer = r.json()
    assert answer["code"] == "text_too_long"
    assert answer["message"].startswith(f"{field}：最多{limit}个字符"), answer
