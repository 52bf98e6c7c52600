"""Operator accounts: salted Argon2 hashes, lock-out after repeated failures, supervisor approval."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from kiosk.services import audit
from kiosk.services.clock import Clock
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWork, UnitOfWorkFactory
from kiosk_core.errors import AccountLocked, AuthFailed, InvalidInput, NotAllowed, disk_full
from kiosk_core.model import Role
from kiosk_core.passwords import (
    LOCK_MINUTES,
    MAX_FAILED_ATTEMPTS,
    SIGN_IN_HINT,
    SIGN_IN_REFUSED,
    PasswordVerifier,
    check_password,
)

log = logging.getLogger(__name__)

LOCK_DURATION = timedelta(minutes=LOCK_MINUTES)
OPERATOR_DISABLED = "operator_disabled"


def sign_in_refused() -> AuthFailed:
    return AuthFailed(SIGN_IN_REFUSED, hint=SIGN_IN_HINT)


def operator_disabled() -> AuthFailed:
    return AuthFailed(
        "此账号已被中心停用，请联系管理员", hint="停用期间不能在任何窗口登录", code=OPERATOR_DISABLED
    )


class AuthService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        counter: str,
        hasher: PasswordHasher | None = None,
        central_sign_in: Callable[[str, str], None] = lambda _u, _p: None,
        free_room: Callable[[], bool] = lambda: False,
    ):
        self._uow = uow
        self._clock = clock
        self._counter = counter
        self._hasher = hasher or PasswordHasher()
        self._verifier = PasswordVerifier(self._hasher)
        self._central_sign_in = central_sign_in  # raises AuthFailed when the centre refuses the account
        self._free_room = free_room  # on a full disk: gives room back (the disk reserve); True if it did

    def create_operator(self, username: str, display_name: str, role: Role, password: str) -> None:
        username = username.strip()
        if not username:
            raise InvalidInput("请输入用户名")
        check_password(password, related=(username, display_name))
        with self._uow() as uow:
            if uow.session.scalar(select(t.Operator).where(t.Operator.username == username)):
                raise InvalidInput(f"用户名 {username} 已存在")
            uow.session.add(
                t.Operator(
                    username=username,
                    display_name=display_name,
                    role=role.value,
                    password_hash=self._hasher.hash(password),
                )
            )
            uow.commit()

    def has_operators(self) -> bool:
        with self._uow() as uow:
            return uow.session.scalar(select(t.Operator.id).limit(1)) is not None

    def login(self, username: str, password: str) -> OperatorSession:
        """The whole sign-in, for callers that may wait. The counter's screen runs its three steps each on its
        own lane, so the centre's answer never holds up the database: ``check_locally`` (database),
        ``ask_centre`` (network), ``record_refusal`` (database, only when the centre refused)."""
        operator = self.check_locally(username, password)
        try:
            self.ask_centre(operator, password)
        except AuthFailed as refusal:
            self.record_refusal(operator, refusal)
            raise
        return operator

    def check_locally(self, username: str, password: str) -> OperatorSession:
        """The password against the local cache (audited); raises when it is refused here."""
        return self._check_on_a_full_disk_too(username.strip(), password, action="login")

    def ask_centre(self, operator: OperatorSession, password: str) -> None:
        """The centre's word on an account already checked here; touches no database (the keyring only).

        Raises AuthFailed when the centre refuses the account; a centre that is away lets the sign-in stand.
        """
        self._central_sign_in(operator.username, password)

    def record_refusal(self, operator: OperatorSession, refusal: AuthFailed) -> None:
        """The centre refused ``operator``: audited, and a disabled account is refused offline too from now on,
        without waiting for the next catalog sync."""
        with self._uow() as uow:
            if refusal.code == OPERATOR_DISABLED:
                uow.session.get_one(t.Operator, operator.id).active = False
            audit.record(
                uow.session,
                action="login_refused_by_centre",
                at=self._clock(),
                counter=self._counter,
                operator_id=operator.id,
                subject=operator.username,
                code=refusal.code,
            )
            uow.commit()

    def unlock(self, session: OperatorSession, password: str) -> OperatorSession:
        """The idle lock: only the operator who was signed in can take the screen back."""
        return self._check_on_a_full_disk_too(session.username, password, action="unlock")

    def approve(self, username: str, password: str) -> OperatorSession:
        """A supervisor's approval at the counter: their own name and password, checked like a login."""
        return self._check(username.strip(), password, action="approve", role=Role.SUPERVISOR)

    def approve_leaving_kiosk_mode(self, username: str, password: str) -> OperatorSession:
        """Closing a counter in kiosk mode: a supervisor's own name and password, audited as its own action."""
        return self._check(username.strip(), password, action="leave_kiosk_mode", role=Role.SUPERVISOR)

    def _check_on_a_full_disk_too(self, username: str, password: str, *, action: str) -> OperatorSession:
        """Signing in must work on a full disk: staff are needed most when something is wrong. The audit entry
        is written in the room the disk reserve gives back; with none left, the sign-in goes unrecorded (logged)."""
        try:
            return self._check(username, password, action=action)
        except Exception as exc:
            if not disk_full(exc):
                raise
        if self._free_room():
            try:
                return self._check(username, password, action=action)
            except Exception as exc:
                if not disk_full(exc):
                    raise
        log.warning("disk full: %s of %s checked without recording it", action, username)
        return self._check(username, password, action=action, record=False)

    def _check(
        self, username: str, password: str, *, action: str, role: Role | None = None, record: bool = True
    ) -> OperatorSession:
        """``record=False`` (a full disk): the same checks, with nothing written (no audit, no failure count)."""
        if not username or not password:
            raise InvalidInput("请输入用户名和密码")
        now = self._clock()
        with self._uow() as uow:
            op = uow.session.scalar(select(t.Operator).where(t.Operator.username == username))
            # An unknown account, a wrong password and a locked or disabled account with a wrong password all get
            # the same answer after the same work: only whoever knows the password learns more.
            if not self._verifier.matches(op.password_hash if op else None, password):
                if op is not None and record:
                    self._record_failure(uow, op, now, action=action)
                raise sign_in_refused()
            assert op is not None
            if not op.active:
                if record:
                    self._audit(uow, op, f"{action}_refused", now, code=OPERATOR_DISABLED)
                raise operator_disabled()
            if op.locked_until and op.locked_until > now:
                minutes = max(1, math.ceil((op.locked_until - now).total_seconds() / 60))
                raise AccountLocked(
                    f"账号 {username} 因多次密码错误已锁定，约{minutes}分钟后可再试",
                    hint="急需办理请联系主管",
                )
            op.failed_attempts = 0
            op.locked_until = None
            if self._hasher.check_needs_rehash(op.password_hash):
                op.password_hash = self._hasher.hash(password)
            if not record:
                if role is not None and op.role != role.value:
                    raise NotAllowed(f"{op.display_name} 不是主管，不能批准")
                return OperatorSession(op.id, op.username, op.display_name, Role(op.role), self._counter)
            if role is not None and op.role != role.value:
                # The right password of the wrong role: the log must not read as if it had been approved.
                self._audit(uow, op, f"{action}_refused", now, reason=f"not_{role.value}")
                raise NotAllowed(f"{op.display_name} 不是主管，不能批准", hint="请由主管输入自己的账号和密码")
            self._audit(uow, op, action, now)
            return OperatorSession(op.id, op.username, op.display_name, Role(op.role), self._counter)

    def _record_failure(self, uow: UnitOfWork, op: t.Operator, now: datetime, *, action: str) -> None:
        """A wrong password is audited; it counts towards the lock-out unless the account is locked or disabled."""
        if op.active and not (op.locked_until and op.locked_until > now):
            op.failed_attempts += 1
            if op.failed_attempts >= MAX_FAILED_ATTEMPTS:
                op.locked_until = now + LOCK_DURATION
                op.failed_attempts = 0
        self._audit(uow, op, f"{action}_failed", now)

    def _audit(self, uow: UnitOfWork, op: t.Operator, action: str, now: datetime, **detail: str) -> None:
        audit.record(
            uow.session,
            action=action,
            at=now,
            counter=self._counter,
            operator_id=op.id,
            subject=op.username,
            **detail,
        )
        uow.commit()
