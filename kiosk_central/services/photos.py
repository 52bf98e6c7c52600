"""Project photos: stored once by their SHA-256, named by it in the catalog, served to counters by it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central.services.errors import InvalidRequest, NotFound
from kiosk_central.tables import Photo

# A counter's photo strip shows a few hundred kilobytes; a camera original would slow every counter's sync.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class PhotoProblem(ValueError):
    """Why a file cannot be a project photo, in Chinese for the import report."""


def content_type(data: bytes) -> str:
    """PNG or JPEG by their first bytes (never by the file name), else PhotoProblem."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoProblem(f"照片太大（{len(data) // 1024} KB），上限 {MAX_PHOTO_BYTES // 1024 // 1024} MB")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    raise PhotoProblem("不是 PNG 或 JPEG 图片")


def store(session: Session, data: bytes, now: datetime) -> str:
    """The photo's hash; its bytes are added unless the centre has them already (the caller commits)."""
    kind = content_type(data)
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Photo, digest) is None:
        session.add(Photo(sha256=digest, content_type=kind, size=len(data), data=data, stored_at=now))
        session.flush()
    return digest


def known(session: Session, digests: Sequence[str]) -> set[str]:
    wanted = sorted({d for d in digests if SHA256.match(d)})
    return set(session.scalars(select(Photo.sha256).where(Photo.sha256.in_(wanted)))) if wanted else set()


def get(session: Session, digest: str) -> Photo:
    if not SHA256.match(digest):
        raise InvalidRequest(
            f"照片编号应为 64 位小写十六进制（SHA-256），现在是“{digest[:80]}”", code="photo_hash_invalid"
        )
    photo = session.get(Photo, digest)
    if photo is None:
        raise NotFound("中心没有这张照片", code="photo_not_found", hint="请重新导入该项目的照片")
    return photo


@dataclass
class ResolvedPhotos:
    hashes: list[list[str]]  # one list per project, in the rows' order
    new: dict[str, bytes]  # hash to bytes the centre does not hold yet
    problems: list[str]  # one line each, with the row's label


def resolve_names(
    session: Session, photo_lists: Sequence[list[str]], labels: Sequence[str], folder: Path | None
) -> ResolvedPhotos:
    """Each project's photos as hashes: a file name is read from ``folder`` (and checked); a hash is kept when
    the centre holds that photo (a re-import of what it served). Nothing is stored here."""
    have = known(session, [n for photos in photo_lists for n in photos])
    out = ResolvedPhotos([], {}, [])
    by_name: dict[str, str] = {}
    for photos, label in zip(photo_lists, labels, strict=True):
        hashes = []
        for name in photos:
            if name in have:
                hashes.append(name)
                continue
            if name not in by_name:
                try:
                    data = _read(folder, name)
                except PhotoProblem as e:
                    out.problems.append(f"{label} photos：{e}")
                    continue
                by_name[name] = hashlib.sha256(data).hexdigest()
                out.new[by_name[name]] = data
            hashes.append(by_name[name])
        out.hashes.append(hashes)
    return out


def store_all(session: Session, photos: dict[str, bytes], now: datetime) -> None:
    for data in photos.values():
        store(session, data, now)


def _read(folder: Path | None, name: str) -> bytes:
    if SHA256.match(name):
        raise PhotoProblem(f"中心没有编号为 {name[:12]}… 的照片")
    if folder is None or Path(name).name != name or not (folder / name).is_file():
        raise PhotoProblem(f"找不到照片文件 {name}（在 {folder or '导入文件所在文件夹'} 中）")
    data = (folder / name).read_bytes()
    try:
        content_type(data)
    except PhotoProblem as e:
        raise PhotoProblem(f"照片 {name}：{e}") from None
    return data
