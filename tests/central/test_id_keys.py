"""The ID key's fingerprint: another key refuses to start; ``rekey-ids`` changes it, all or nothing.

Real SQLite and PostgreSQL (the ``database_url`` fixture), the CLI as an admin runs it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from kiosk_central.api.app import app_from_env, create_app
from kiosk_central.bootstrap import Central, build
from kiosk_central.cli import main
from kiosk_central.config import DATABASE_URL_ENV, ID_KEY_ENV, OLD_ID_KEY_ENV, IdKeyMismatch, Settings
from kiosk_central.id_index import id_hash
from kiosk_central.services import id_keys
from kiosk_central.tables import AdminAudit, KeyFingerprint, RegistrationPerson
from tests.central.api import Api, asgi_client
from tests.central.server import REPO
from tests.central.world import FAMILIES, SHARED, id_number, registration
from tests.fakes import CHEAP_HASHER

NEW_KEY = "the centre's new ID key, 32 characters or more"
WRONG_KEY = "a mistyped ID key, also 32 characters or more"


@pytest.fixture
def old_key() -> str:
    return os.environ[ID_KEY_ENV]  # the tests' key (conftest), the one the world was hashed with


def _run(url: str, *args: str) -> int:
    return main([*args, "--database-url", url])


def _rows(url: str, model: Any, *columns: Any) -> list[tuple[Any, ...]]:
    central = build(Settings(database_url=url))
    try:
        with central.db.session() as s:
            return [tuple(r) for r in s.execute(select(*columns).select_from(model).order_by(*columns))]
    finally:
        central.close()


def _state(url: str) -> tuple[list[tuple[Any, ...]], ...]:
    """What a refused rekey must leave as it was."""
    return (
        _rows(url, RegistrationPerson, RegistrationPerson.id, RegistrationPerson.id_hash),
        _rows(url, KeyFingerprint, KeyFingerprint.name, KeyFingerprint.fingerprint),
        _rows(url, AdminAudit, AdminAudit.id),
    )


def _rekey(url: str, world: Central, *args: str) -> int:
    """``rekey-ids`` with the test's own centre stopped, as an administrator stops every instance first."""
    world.db.dispose()
    return _run(url, "rekey-ids", *args)


def _register_clash_a(central: Central) -> None:
    with asgi_client(create_app(central)) as client:
        api = Api.enrolled(central, client)
        assert api.register(registration(FAMILIES["clash_a"], seq=1)).status_code == 201


def _key_file(tmp_path: Path, key: str) -> str:
    path = tmp_path / "old.key"
    path.write_text(key + "\n", encoding="utf-8")  # as an editor or `echo` leaves it
    return str(path)


def test_a_process_with_another_key_refuses_to_start(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(database_url, "enroll-device", "--counter", "01", "--name", "一号") == 0  # records the key
    [(_, stored)] = _rows(database_url, KeyFingerprint, KeyFingerprint.name, KeyFingerprint.fingerprint)
    assert stored == id_keys.fingerprint(os.environ[ID_KEY_ENV].encode())
    capsys.readouterr()

    monkeypatch.setenv(ID_KEY_ENV, WRONG_KEY)
    for command in (["enroll-device", "--counter", "02", "--name", "二号"], ["migrate"]):
        assert _run(database_url, *command) == 1
        err = capsys.readouterr().err
        assert "与本数据库记下的不符" in err and "refusing to start" in err and "rekey-ids" in err
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    with pytest.raises(IdKeyMismatch):  # each uvicorn worker builds its app here
        app_from_env()

    # `kiosk-central serve` as an admin starts it: exit code 1 and the message, nothing served.
    env = os.environ | {"PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk_central", "serve", "--database-url", database_url, "--port", "9"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{ID_KEY_ENV} is not the key this database's ID hashes were made with" in done.stderr


def test_the_first_start_checks_the_key_against_hashes_already_stored(
    world: Central, database_url: str, old_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database from before the fingerprint (or whose row was lost) records a key only if its hashes agree."""
    _register_clash_a(world)
    with world.db.session() as s:
        s.execute(text("DELETE FROM key_fingerprints"))
        s.commit()
    monkeypatch.setenv(ID_KEY_ENV, WRONG_KEY)
    assert _run(database_url, "enroll-device", "--counter", "02", "--name", "二号") == 1
    assert _rows(database_url, KeyFingerprint, KeyFingerprint.name) == []
    monkeypatch.setenv(ID_KEY_ENV, old_key)
    assert _run(database_url, "enroll-device", "--counter", "02", "--name", "二号") == 0
    assert _rows(database_url, KeyFingerprint, KeyFingerprint.fingerprint) == [
        (id_keys.fingerprint(old_key.encode()),)
    ]


def test_the_guard_holds_after_a_rekey(
    world: Central,
    database_url: str,
    old_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _register_clash_a(world)
    id_keys.check(world.db)
    monkeypatch.setenv(ID_KEY_ENV, NEW_KEY)
    assert _rekey(database_url, world, "--old-key-file", _key_file(tmp_path, old_key)) == 0
    assert "已用新密钥重算 2 行身份证号哈希" in capsys.readouterr().out

    hashes = {
        h
        for _, h in _rows(database_url, RegistrationPerson, RegistrationPerson.id, RegistrationPerson.id_hash)
    }
    assert id_hash(NEW_KEY.encode(), SHARED) in hashes
    assert id_hash(old_key.encode(), SHARED) not in hashes
    [(action, actor, detail)] = _rows(
        database_url, AdminAudit, AdminAudit.action, AdminAudit.actor, AdminAudit.detail
    )
    assert action == "rekey_ids" and actor and '"rows": 2' in detail
    assert old_key not in detail and NEW_KEY not in detail

    # The same person (SHARED, a member of both clash households) through the other household: refused.
    rekeyed = build(Settings(database_url=database_url), clock=world.clock, hasher=CHEAP_HASHER)
    try:
        id_keys.check(rekeyed.db)
        with asgi_client(create_app(rekeyed)) as client:
            api = Api.enrolled(rekeyed, client, counter="02")
            r = api.register(registration(FAMILIES["clash_b"], seq=2, counter="02"))
    finally:
        rekeyed.close()
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "member_registered_elsewhere"

    monkeypatch.setenv(ID_KEY_ENV, old_key)  # an instance left on the old key: refused now
    assert _run(database_url, "enroll-device", "--counter", "03", "--name", "三号") == 1
    assert "rekey-ids" in capsys.readouterr().err


def test_a_wrong_old_key_changes_nothing(
    world: Central,
    database_url: str,
    old_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _register_clash_a(world)
    id_keys.check(world.db)
    before = _state(database_url)
    monkeypatch.setenv(ID_KEY_ENV, NEW_KEY)
    monkeypatch.setenv(OLD_ID_KEY_ENV, WRONG_KEY)
    assert _rekey(database_url, world) == 1
    assert "给出的旧密钥与本数据库记下的指纹不符，未做任何改动" in capsys.readouterr().err
    assert _state(database_url) == before

    # Without a fingerprint to compare (lost), the hashes themselves tell: none of them is recomputable.
    with world.db.session() as s:
        s.execute(text("DELETE FROM key_fingerprints"))
        s.commit()
    before = _state(database_url)
    assert _rekey(database_url, world, "--old-key-file", _key_file(tmp_path, WRONG_KEY)) == 1
    assert "有 2 行身份证号哈希无法重算（其中有效 2 行）" in capsys.readouterr().err
    assert _state(database_url) == before

    # The old key alone on the command line is no option: it would sit in `ps` and the shell's history.
    with pytest.raises(SystemExit):
        _run(database_url, "rekey-ids", "--old-key", old_key)


def test_rows_whose_number_left_the_household_refuse_the_rekey(
    world: Central,
    database_url: str,
    old_key: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _register_clash_a(world)
    id_keys.check(world.db)
    with world.db.session() as s:
        first = s.scalars(select(RegistrationPerson).order_by(RegistrationPerson.id)).first()
        assert first is not None
        s.add(
            RegistrationPerson(
                plan_id=first.plan_id,
                household_id=first.household_id,
                id_hash=id_hash(old_key.encode(), id_number("19800101", 999)),  # nobody in the household
                registrations=0,
                active=False,
            )
        )
        s.commit()
    before = _state(database_url)
    monkeypatch.setenv(ID_KEY_ENV, NEW_KEY)
    monkeypatch.setenv(OLD_ID_KEY_ENV, old_key)
    assert _rekey(database_url, world) == 1
    assert "有 1 行身份证号哈希无法重算（其中有效 0 行）" in capsys.readouterr().err
    assert _state(database_url) == before


def test_rekey_needs_a_new_key_that_differs(
    database_url: str, old_key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(OLD_ID_KEY_ENV, old_key)
    assert _run(database_url, "rekey-ids") == 1
    assert "新旧密钥相同" in capsys.readouterr().err
    monkeypatch.delenv(OLD_ID_KEY_ENV)
    monkeypatch.setenv(ID_KEY_ENV, NEW_KEY)
    assert _run(database_url, "rekey-ids") == 1
    assert "未给出旧密钥" in capsys.readouterr().err


def test_rekey_refuses_while_another_instance_is_connected(
    world: Central,
    database_url: str,
    backend: str,
    old_key: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """PostgreSQL shows the service's connections: one still serving would write old-key hashes afterwards."""
    if backend != "postgresql":
        pytest.skip("SQLite's other processes cannot be seen")
    _register_clash_a(world)
    id_keys.check(world.db)
    before = _state(database_url)
    monkeypatch.setenv(ID_KEY_ENV, NEW_KEY)
    monkeypatch.setenv(OLD_ID_KEY_ENV, old_key)
    with world.db.engine.connect():  # the world's centre, still serving
        assert _run(database_url, "rekey-ids") == 1
    assert re.search(r"还有 \d+ 个中心服务连接在使用本数据库，未做任何改动", capsys.readouterr().err)
    assert _state(database_url) == before
    assert _rekey(database_url, world) == 0
