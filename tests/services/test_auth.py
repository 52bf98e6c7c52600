"""Operator sign-in: salted Argon2 hashes, five failures lock the account, supervisors approve."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.domain.errors import AccountLocked, AuthFailed, InvalidInput, NotAllowed
from kiosk.domain.model import Role
from kiosk.storage import tables as t
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


def test_wrong_password_counts_down_then_locks(built: Built, world: World, clock) -> None:
    auth = built.services.auth
    for left in (4, 3, 2, 1):
        with pytest.raises(AuthFailed) as err:
            auth.login(CLERK[0], "wrong-password")
        assert f"再错{left}次" in err.value.hint
    with pytest.raises(AccountLocked):
        auth.login(CLERK[0], "wrong-password")
    with pytest.raises(AccountLocked) as err:
        auth.login(*CLERK)  # even the right password, while locked
    assert "分钟" in err.value.message
    clock.advance(minutes=16)
    assert auth.login(*CLERK).username == "clerk1"


def test_unknown_user_looks_like_wrong_password(built: Built, world: World) -> None:
    with pytest.raises(AuthFailed) as err:
        built.services.auth.login("nobody", "whatever1")
    assert err.value.message == "用户名或密码不正确"


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
