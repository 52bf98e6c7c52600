"""Operator sign-in: salted Argon2 hashes, five failures lock the account, supervisors approve."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.storage import tables as t
from kiosk_core.errors import AccountLocked, AuthFailed, InvalidInput, NotAllowed
from kiosk_core.model import Role
from tests.builders import CLERK, SUPERVISOR, World


def test_passwords_are_stored_as_salted_argon2(built: Built, world: World) -> None:
    built.services.auth.create_operator("clerk2", "赵六", Role.CLERK, CLERK[1])  # same password as clerk1
    with built.engine.connect() as c:
        hashes = dict(c.execute(select(t.Operator.username, t.Operator.password_hash)).all())
    assert hashes["clerk1"].startswith("$argon2id$") and CLERK[1] not in hashes["clerk1"]
    assert hashes["clerk1"] != hashes["clerk2"]


def test_login(built: Built, world: World) -> None:
    op = built.services.auth.login(f" {CLERK[0]} ", CLERK[1])
    assert (op.username, op.role, op.counter) == ("clerk1", Role.CLERK, "01")


def test_five_wrong_passwords_lock_the_account(built: Built, world: World, clock) -> None:
    auth = built.services.auth
    for _ in range(5):
        with pytest.raises(AuthFailed) as err:
            auth.login(CLERK[0], "wrong-password")
        assert (err.value.message, err.value.hint) == ("用户名或密码不正确", "连续输错5次，账号将锁定15分钟")
    with pytest.raises(AccountLocked) as err:
        auth.login(*CLERK)  # the right password, while locked: now it may be told
    assert "分钟" in err.value.message
    clock.advance(minutes=16)
    assert auth.login(*CLERK).username == "clerk1"


def test_unknown_user_looks_like_wrong_password_even_after_five_tries(built: Built, world: World) -> None:
    for _ in range(6):
        with pytest.raises(AuthFailed) as unknown:
            built.services.auth.login("nobody", "whatever1")
        with pytest.raises(AuthFailed) as known:
            built.services.auth.login(CLERK[0], "whatever1")
        assert type(unknown.value) is type(known.value)
        assert (unknown.value.message, unknown.value.hint) == (known.value.message, known.value.hint)


def test_empty_fields(built: Built, world: World) -> None:
    with pytest.raises(InvalidInput):
        built.services.auth.login("", "")


def test_unlock_only_by_the_same_operator(built: Built, world: World) -> None:
    op = built.services.auth.login(*CLERK)
    with pytest.raises(AuthFailed):
        built.services.auth.unlock(op, SUPERVISOR[1])
    assert built.services.auth.unlock(op, CLERK[1]) == op


def test_only_supervisors_approve(built: Built, world: World) -> None:
    with pytest.raises(NotAllowed) as err:
        built.services.auth.approve(*CLERK)
    assert "不是主管" in err.value.message
    assert built.services.auth.approve(*SUPERVISOR).role is Role.SUPERVISOR


def test_login_and_failures_are_audited(built: Built, world: World) -> None:
    built.services.auth.login(*CLERK)
    with pytest.raises(AuthFailed):
        built.services.auth.login(CLERK[0], "nope-nope")
    with built.engine.connect() as c:
        actions = c.execute(select(t.AuditEntry.action)).scalars().all()
    assert actions == ["login", "login_failed"]


def test_short_password_refused(built: Built) -> None:
    with pytest.raises(InvalidInput):
        built.services.auth.create_operator("x", "x", Role.CLERK, "short")


def test_an_unknown_user_costs_the_same_work_as_a_known_one(built: Built, world: World, clock) -> None:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import sessionmaker

    from kiosk.services.auth import AuthService
    from kiosk.storage.uow import uow_factory

    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's own name
            calls.append("verify")
            return super().verify(hash, password)

    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth = AuthService(uow_factory(sessionmaker(built.engine)), clock, "01", hasher)
    for user in (CLERK[0], "nobody"):
        calls.clear()
        with pytest.raises(AuthFailed):
            auth.login(user, "wrong-password")
        assert calls == ["verify"], user
