"""A kiosk's view of the API for tests: sign in, post outbox events, page through changes."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from kiosk_central.bootstrap import Central
from tests.central.world import new_key

with warnings.catch_warnings():
    # Starlette prefers the httpx2 fork and says so on import; plain httpx is what this project installs.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@contextmanager
def asgi_client(app: FastAPI) -> Iterator[httpx.Client]:
    with TestClient(app) as client:
        yield client


class Api:
    """An httpx client (TestClient or a real one) plus the device's token."""

    def __init__(self, client: httpx.Client, device_id: str, secret: str, counter: str) -> None:
        self.client = client
        self.device_id = device_id
        self.secret = secret
        self.counter = counter
        self.token = ""
        self.sign_in()

    def sign_in(self) -> None:
        """A new device token, as the kiosk gets one on ``token_expired``."""
        r = self.device_login()
        assert r.status_code == 200, r.text
        self.token = r.json()["token"]

    @classmethod
    def enrolled(cls, central: Central, client: httpx.Client, counter: str = "01") -> Api:
        with central.db.session() as s:
            e = central.auth.enroll_device(s, counter, f"{counter}号窗口")
        return cls(client, e.device_id, e.secret, counter)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def device_login(self, secret: str | None = None) -> httpx.Response:
        body = {"device_id": self.device_id, "secret": self.secret if secret is None else secret}
        return self.client.post("/v1/auth/device", json=body)

    def operator_login(self, username: str, password: str) -> httpx.Response:
        return self.client.post(
            "/v1/auth/operator", json={"username": username, "password": password}, headers=self.auth
        )

    def post(self, path: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.auth | {"Idempotency-Key": key or new_key()})

    def register(self, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        return self.post("/v1/registrations", body, key)

    def changes(
        self, since: int = 0, limit: int | None = None, path: str = "/v1/catalog/changes"
    ) -> dict[str, Any]:
        params = {"since": since} | ({"limit": limit} if limit is not None else {})
        r = self.client.get(path, params=params, headers=self.auth)
        assert r.status_code == 200, r.text
        page: dict[str, Any] = r.json()
        return page

    def all_changes(self, since: int = 0, limit: int | None = None) -> tuple[int, list[dict[str, Any]]]:
        """Every page from ``since`` on, as a kiosk syncs; returns the version to hold next and the changes."""
        changes: list[dict[str, Any]] = []
        while True:
            page = self.changes(since, limit)
            changes.extend(page["changes"])
            since = page["version"]
            if not page["more"]:
                return since, changes
