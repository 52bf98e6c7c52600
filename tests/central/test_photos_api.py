"""Project photos travel with the catalog (named by SHA-256, bytes served by hash); plan counts for counters."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.config import RESOURCES
from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from kiosk_central.services import photos
from kiosk_central.services.demo import load_demo
from kiosk_central.services.importer import ImportFailed, import_kind
from kiosk_central.tables import Photo, Project
from tests.central.api import Api
from tests.central.world import FAMILIES, PHOTO_DIR, PHOTO_FILE, cancellation, registration

PHOTO = (PHOTO_DIR / PHOTO_FILE).read_bytes()
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


def test_projects_name_their_photos_by_hash_and_the_centre_serves_the_bytes(api: Api) -> None:
    _, changes = api.all_changes()
    projects = [c["data"] for c in changes if c["entity"] == "project"]
    assert projects and all(p["photos"] == [PHOTO_SHA] for p in projects)
    r = api.client.get(f"/v1/photos/{PHOTO_SHA}", headers=api.auth)
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content == PHOTO
    assert r.headers["etag"] == f'"{PHOTO_SHA}"'


def test_photos_need_a_device_token(api: Api) -> None:
    r = api.client.get(f"/v1/photos/{PHOTO_SHA}")
    assert r.status_code == 401
    assert r.json()["code"] == "token_missing"


def test_unknown_and_malformed_photo_hashes(api: Api) -> None:
    r = api.client.get(f"/v1/photos/{'0' * 64}", headers=api.auth)
    assert r.status_code == 404
    assert r.json()["code"] == "photo_not_found"
    r = api.client.get("/v1/photos/..%2F..%2Fetc%2Fpasswd", headers=api.auth)
    assert r.status_code in (404, 422)
    r = api.client.get(f"/v1/photos/{PHOTO_SHA.upper()}", headers=api.auth)
    assert r.status_code == 422
    assert r.json()["code"] == "photo_hash_invalid"


def _project(photo_names: list[str], code: str = "P-Q-09") -> tuple[str, dict[str, Any]]:
    return (
        "第1条",
        {"code": code, "plan_code": "Q2611", "name": "九号家园", "district": "朝阳区", "photos": photo_names},
    )


def test_import_refuses_missing_oversized_or_non_image_photos_and_imports_nothing(
    world: Central, tmp_path: Path
) -> None:
    (tmp_path / "notes.png").write_text("not a picture", encoding="utf-8")
    (tmp_path / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(photos.MAX_PHOTO_BYTES))
    rows = [_project(["gone.png", "notes.png", "huge.png", "0" * 64])]
    with world.db.session() as s:
        begin_write(s)
        with pytest.raises(ImportFailed) as e:
            import_kind(s, "projects", rows, photo_dir=tmp_path)
        s.rollback()
    assert e.value.errors == [
        f"第1条 photos：找不到照片文件 gone.png（在 {tmp_path} 中）",
        "第1条 photos：照片 notes.png：不是 PNG 或 JPEG 图片",
        "第1条 photos：照片 huge.png：照片太大（5120 KB），上限 5 MB",
        "第1条 photos：中心没有编号为 000000000000… 的照片",
    ]
    with world.db.session() as s:
        assert s.scalar(select(Project).where(Project.code == "P-Q-09")) is None


def test_a_photo_is_stored_once_and_hashes_the_centre_holds_import_again(world: Central) -> None:
    with world.db.session() as s:
        begin_write(s)
        import_kind(s, "projects", [_project([PHOTO_FILE, PHOTO_FILE], "P-Q-08")], photo_dir=PHOTO_DIR)
        import_kind(s, "projects", [_project([PHOTO_SHA], "P-Q-07")], photo_dir=None)
        s.commit()
        assert s.scalar(select(Project.photos).where(Project.code == "P-Q-08")) == [PHOTO_SHA, PHOTO_SHA]
        assert s.scalar(select(Project.photos).where(Project.code == "P-Q-07")) == [PHOTO_SHA]
        assert s.scalars(select(Photo.sha256)).all() == [PHOTO_SHA]


def test_load_demo_stores_every_demo_photo(central: Central) -> None:
    with central.db.session() as s:
        load_demo(s, central.auth, now=central.clock())
        stored = {p.sha256: (p.content_type, p.size, len(p.data)) for p in s.scalars(select(Photo))}
        named = [h for project in s.scalars(select(Project)) for h in project.photos]
    files = sorted((RESOURCES / "demo" / "photos").glob("*.png"))
    assert len(named) == len(files) == len(stored)
    assert {hashlib.sha256(f.read_bytes()).hexdigest() for f in files} == set(stored) == set(named)
    assert all(kind == "image/png" and size == length for kind, size, length in stored.values())


def test_plan_counts_are_every_counters_active_registrations(api: Api, world: Central) -> None:
    assert api.register(registration(FAMILIES["ok"], "Q2611", 1)).status_code == 201
    assert api.register(registration(FAMILIES["ok2"], "Q2611", 2)).status_code == 201
    assert api.register(registration(FAMILIES["ok"], "M2611", 3)).status_code == 201
    assert (
        api.post(
            "/v1/cancellations", cancellation(registration(FAMILIES["ok"], "M2611", 3)["payload"]["reg_no"])
        ).status_code
        == 200
    )
    r = api.client.get("/v1/plans/counts", headers=api.auth)
    assert r.status_code == 200
    assert r.json() == {
        "at": world.clock().astimezone().isoformat(),  # local time with its offset
        "plans": {"Q2611": 2, "R2611": 0, "Q2612": 0, "M2611": 0},
    }
    assert api.client.get("/v1/plans/counts").status_code == 401
