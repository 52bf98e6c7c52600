"""The counter's audit chain head rides with its batches; the centre keeps the heads and catches a rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.bootstrap import Built, build_services
from kiosk.services import audit
from kiosk.services.secrets import AUDIT_KEY, CACHE_KEY
from kiosk_central.cli import main
from kiosk_central.config import sqlite_url
from kiosk_central.services import audit_heads
from kiosk_central.tables import AuditHeadSeen
from kiosk_core.audit_chain import ChainHead
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.keyrings import cache_db
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.test_sync import quick_draft, sign_in


def _heads(centre: CentralUnderTest, device_id: str) -> list[tuple[int, str | None, str]]:
    with centre.central.db.session() as s:
        rows = s.execute(
            select(AuditHeadSeen.seq, AuditHeadSeen.mac, AuditHeadSeen.verdict)
            .where(AuditHeadSeen.device_id == device_id)
            .order_by(AuditHeadSeen.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _device(k: Built) -> str:
    device_id = k.secrets.get("device_id")
    assert device_id
    return device_id


def _verify(tmp_path: Path, k: Built, cache: Path) -> int:
    key_file = tmp_path / "audit.key"
    key_file.write_text(k.secrets.get(AUDIT_KEY) or "", encoding="utf-8")
    cache_key_file = tmp_path / "cache.key"
    cache_key_file.write_text(k.secrets.get(CACHE_KEY) or "", encoding="utf-8")
    url = sqlite_url(tmp_path / "central")
    return main(
        ["audit-verify", "--database-url", url, "--device-id", _device(k)]
        + ["--cache", str(cache), "--key-file", str(key_file), "--cache-key-file", str(cache_key_file)]
    )


def _copy(k: Built, target: Path) -> None:
    with cache_db(k.config.database_path) as src, cache_db(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def test_each_batch_brings_the_audit_head_and_the_centre_keeps_it(
    kiosk: KioskFactory, centre: CentralUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    k.services.registration.register(quick_draft(k), sign_in(k))
    k.services.sync.sync_once()
    head = audit.head(k.engine)
    assert head is not None and head.mac is not None
    assert _heads(centre, _device(k)) == [(head.seq, head.mac, "ok")]
    # The next batch's head is kept beside the first.
    k.services.registration.register(quick_draft(k, "quick_family_of_four"), sign_in(k))
    moved = audit.head(k.engine)
    k.services.sync.sync_once()
    assert moved is not None and [h[0] for h in _heads(centre, _device(k))] == [head.seq, moved.seq]
    assert _verify(tmp_path, k, k.config.database_path) == 0
    assert "审计链完整" in capsys.readouterr().out


def test_a_cache_put_back_to_an_older_copy_is_reported_at_the_next_sync_and_by_audit_verify(
    kiosk: KioskFactory, centre: CentralUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    older = tmp_path / "older.db"
    _copy(k, older)
    k.services.registration.register(quick_draft(k), sign_in(k))
    k.services.sync.sync_once()
    (remembered,) = _heads(centre, _device(k))
    # The older copy is put back while the counter is off, and it works on from there.
    k.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(k.config.database_path) + suffix).unlink(missing_ok=True)
    older.replace(k.config.database_path)
    again = build_services(k.config, FakePrinter(), hasher=CHEAP_HASHER, secrets=k.secrets)
    try:
        again.services.registration.register(quick_draft(again, "quick_family_of_four"), sign_in(again))
        again.services.sync.sync_once()
        head = audit.head(again.engine)
        assert head is not None and head.seq <= remembered[0]
        latest = _heads(centre, _device(k))[-1]
        assert latest[:2] == (head.seq, head.mac)
        assert latest[2] == (audit_heads.FORKED if head.seq == remembered[0] else audit_heads.ROLLED_BACK)
        # The counter's own chain checks; only the head the centre remembered shows what happened.
        assert audit.verify(again.engine, audit.ChainKey(k.secrets)).intact
        assert not audit.verify(again.engine, audit.ChainKey(k.secrets), ChainHead(*remembered[:2])).intact
        capsys.readouterr()
        assert _verify(tmp_path, k, k.config.database_path) == 1
        out = capsys.readouterr()
        assert f"中心记下的第 {remembered[0]} 条已不在本机缓存中" in out.out and "审计记录被改动过" in out.err
    finally:
        again.engine.dispose()


def test_an_edited_entry_is_named_by_audit_verify(
    kiosk: KioskFactory, centre: CentralUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    k.services.registration.register(quick_draft(k), sign_in(k))
    k.services.sync.sync_once()
    copy = tmp_path / "copy.db"
    _copy(k, copy)
    with cache_db(copy) as db:
        db.execute("UPDATE audit_log SET subject = subject || 'x' WHERE seq = 1")
    db.close()
    assert _verify(tmp_path, k, copy) == 1
    assert "第 1 条起审计链断开：mac_mismatch" in capsys.readouterr().out
