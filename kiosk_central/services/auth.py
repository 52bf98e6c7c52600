"""Devices and operators: enrolment, sign-in, tokens that expire, lock-out after repeated wrong passwords."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import Clock
from kiosk_central.db import begin_write
from kiosk_central.services.errors import InvalidRequest, Unauthorized
from kiosk_central.tables import AdminAudit, Device, Operator, Token
from kiosk_core.errors import InvalidInput
from kiosk_core.model import Role
from kiosk_core.passwords import (
    LOCK_MINUTES,
    MAX_FAILED_ATTEMPTS,
    SIGN_IN_HINT,
    SIGN_IN_REFUSED,
    PasswordVerifier,
    check_password,
)

LOCK_DURATION = timedelta(minutes=LOCK_MINUTES)  # the same lock-out as the counter's own sign-in
_COUNTER = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class OperatorInfo:
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class Principal:
    """Who is calling: always a device; an operator too when the token is an operator's."""

    device_id: str
    counter: str
    operator: OperatorInfo | None = None


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    counter: str
    name: str
    active: bool


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    secret: str
    counter: str
    name: str


def token_hash(token: str) -> str:
    # Tokens and device secrets are 256 random bits: a plain SHA-256 cannot be brute-forced, and it is fast
    # enough to run on every request. Argon2 is for what people choose: operator passwords.
    return hashlib.sha256(token.encode()).hexdigest()


class AuthService:
    def __init__(
        self,
        clock: Clock,
        hasher: PasswordHasher | None = None,
        device_ttl: timedelta = timedelta(hours=1),
        operator_ttl: timedelta = timedelta(hours=8),
    ) -> None:
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._verifier = PasswordVerifier(self._hasher)
        self._device_ttl = device_ttl
        self._operator_ttl = operator_ttl

    # --- admin commands ---

    def enroll_device(self, session: Session, counter: str, name: str, *, replace: bool = False) -> Enrolment:
        """A new device for a counter; the secret is returned once and only its hash is kept."""
        counter = counter.strip()
        if not _COUNTER.match(counter):
            raise InvalidRequest(f"窗口号应为两位数字，例如 01，现在是“{counter}”", code="counter_format")
        if not name.strip():
            raise InvalidRequest("请填写设备名称，例如“3号窗口”", code="name_empty")
        begin_write(session)
        existing = session.scalars(select(Device).where(Device.counter == counter, Device.active)).all()
        if existing and not replace:
            raise InvalidRequest(
                f"窗口 {counter} 已有启用的设备“{existing[0].name}”（{existing[0].id}）",
                hint="同一窗口号的两台设备会产生重复的登记编号；确需更换设备请加 --replace，旧设备将被停用",
                code="counter_taken",
            )
        for old in existing:
            old.active = False
        session.execute(delete(Token).where(Token.device_id.in_([d.id for d in existing])))
        secret = secrets.token_urlsafe(32)
        device = Device(
            id=str(uuid.uuid4()),
            counter=counter,
            name=name.strip(),
            secret_hash=token_hash(secret),
            active=True,
            enrolled_at=self._clock(),
        )
        session.add(device)
        session.commit()
        return Enrolment(device.id, secret, counter, device.name)

    def create_operator(
        self, session: Session, username: str, display_name: str, role: str, password: str
    ) -> OperatorInfo:
        username = username.strip()
        if not username:
            raise InvalidRequest("请输入用户名", code="username_empty")
        if role not in {r.value for r in Role}:
            raise InvalidRequest(f"角色只能是 clerk 或 supervisor，现在是“{role}”", code="role_unknown")
        try:
            check_password(password, related=(username, display_name))
        except InvalidInput as e:
            raise InvalidRequest.from_kiosk(e) from None
        password_hash = self._hasher.hash(password)
        begin_write(session)
        if session.scalar(select(Operator.id).where(Operator.username == username)) is not None:
            raise InvalidRequest(f"用户名 {username} 已存在", code="username_taken")
        operator = Operator(
            username=username,
            display_name=display_name.strip() or username,
            role=role,
            password_hash=password_hash,
            active=True,
            failed_attempts=0,
        )
        versions.stamp(session, [operator])
        session.add(operator)
        session.commit()
        return OperatorInfo(operator.username, operator.display_name, operator.role)

    # --- sign-in ---

    def device_token(self, session: Session, device_id: str, secret: str) -> IssuedToken:
        now = self._clock()
        begin_write(session)
        device = session.get(Device, device_id.strip()) if device_id else None
        if device is None or not hmac.compare_digest(device.secret_hash, token_hash(secret)):
            raise Unauthorized(
                "设备编号或设备密钥不正确", hint="请核对本机登记的设备编号和密钥", code="bad_credentials"
            )
        if not device.active:
            raise device_disabled()
        device.last_seen_at = now
        # Expired tokens of this device are of no use to anyone: drop them while we are here.
        session.execute(delete(Token).where(Token.device_id == device.id, Token.expires_at <= now))
        issued = self._issue(session, "device", device.id, None, now + self._device_ttl)
        session.commit()
        return issued

    def operator_token(
        self, session: Session, device: Principal, username: str, password: str
    ) -> tuple[IssuedToken, OperatorInfo]:
        username = username.strip()
        if not username or not password:
            raise InvalidRequest("请输入用户名和密码", code="credentials_empty")
        now = self._clock()
        begin_write(session)
        op = session.scalar(select(Operator).where(Operator.username == username))
        # An unknown account, a wrong password and a locked or disabled account with a wrong password all get
        # the same answer after the same work: only whoever knows the password learns more.
        if not self._verifier.matches(op.password_hash if op else None, password):
            if op is not None and op.active and not (op.locked_until and op.locked_until > now):
                self._count_failure(session, op, now)
            raise bad_credentials()
        assert op is not None
        if not op.active:
            raise operator_disabled()
        if op.locked_until and op.locked_until > now:
            minutes = max(1, int((op.locked_until - now).total_seconds() // 60) + 1)
            raise Unauthorized(
                f"账号 {username} 因多次密码错误已锁定，约{minutes}分钟后可再试",
                hint="急需办理请联系主管",
                code="account_locked",
            )
        op.failed_attempts = 0
        op.locked_until = None
        if self._hasher.check_needs_rehash(op.password_hash):
            op.password_hash = self._hasher.hash(password)
            versions.stamp(session, [op])  # kiosks sign operators in offline with this hash
        issued = self._issue(session, "operator", device.device_id, op.id, now + self._operator_ttl)
        session.commit()
        return issued, OperatorInfo(op.username, op.display_name, op.role)

    def _count_failure(self, session: Session, op: Operator, now: datetime) -> None:
        """A wrong password counts even though the request fails; the fifth in a row locks the account."""
        op.failed_attempts += 1
        if op.failed_attempts >= MAX_FAILED_ATTEMPTS:
            op.locked_until = now + LOCK_DURATION
            op.failed_attempts = 0
        session.commit()

    def _issue(
        self, session: Session, kind: str, device_id: str, operator_id: int | None, expires_at: datetime
    ) -> IssuedToken:
        token = secrets.token_urlsafe(32)
        session.add(
            Token(
                token_hash=token_hash(token),
                kind=kind,
                device_id=device_id,
                operator_id=operator_id,
                issued_at=self._clock(),
                expires_at=expires_at,
            )
        )
        return IssuedToken(token, expires_at)

    # --- every request ---

    def authenticate(self, session: Session, token: str | None) -> Principal:
        """The caller of a request; ends its read transaction so the handler starts its own."""
        if not token:
            raise Unauthorized(
                "请先登录设备", hint="请求须带 Authorization: Bearer <令牌>", code="token_missing"
            )
        # One indexed lookup of plain columns: this runs on every request.
        row = session.execute(
            select(Token.expires_at, Device.id, Device.counter, Device.active, Operator)
            .join(Device, Device.id == Token.device_id)
            .outerjoin(Operator, Operator.id == Token.operator_id)
            .where(Token.token_hash == token_hash(token))
        ).first()
        session.commit()
        if row is None:
            raise Unauthorized("登录凭证无效", hint="请重新登录", code="token_invalid")
        expires_at, device_id, counter, device_active, op = row
        # A disabled device or operator keeps its token rows so the refusal can say why; enabling drops them.
        if not device_active:
            raise device_disabled()
        if op is not None and not op.active:
            raise operator_disabled()
        if expires_at <= self._clock():
            raise Unauthorized("登录已过期", hint="请重新登录", code="token_expired")
        operator = OperatorInfo(op.username, op.display_name, op.role) if op is not None else None
        return Principal(device_id, counter, operator)

    # --- administrators: disable and enable, each audited ---

    def disable_operator(self, session: Session, username: str, *, actor: str = "", reason: str = "") -> None:
        """The account can no longer sign in, at the centre or (once its counter has synced) offline.

        Its tokens stop working at once: every request checks the account.
        """
        self._set_operator_active(session, username, False, actor, reason)

    def enable_operator(self, session: Session, username: str, *, actor: str = "", reason: str = "") -> None:
        self._set_operator_active(session, username, True, actor, reason)

    def disable_device(
        self, session: Session, device_id: str, *, actor: str = "", reason: str = ""
    ) -> DeviceInfo:
        """The device's tokens stop working at once and it cannot get new ones; its counter keeps its outbox."""
        begin_write(session)
        device = self._device(session, device_id)
        if not device.active:
            raise InvalidRequest(f"设备“{device.name}”（{device.id}）已是停用状态", code="already_disabled")
        device.active = False
        self._audit(session, "disable_device", device.id, actor, _detail(f"窗口 {device.counter}", reason))
        session.commit()
        return DeviceInfo(device.id, device.counter, device.name, device.active)

    def enable_device(
        self, session: Session, device_id: str, *, actor: str = "", reason: str = ""
    ) -> DeviceInfo:
        begin_write(session)
        device = self._device(session, device_id)
        if device.active:
            raise InvalidRequest(f"设备“{device.name}”（{device.id}）已是启用状态", code="already_enabled")
        other = session.scalar(
            select(Device).where(Device.counter == device.counter, Device.active, Device.id != device.id)
        )
        if other is not None:
            raise InvalidRequest(
                f"窗口 {device.counter} 已有启用的设备“{other.name}”（{other.id}）",
                hint="同一窗口号的两台设备会产生重复的登记编号；请先停用那台设备",
                code="counter_taken",
            )
        device.active = True
        # Tokens from before the disable are not revived: the device signs in afresh with its secret.
        session.execute(delete(Token).where(Token.device_id == device.id))
        self._audit(session, "enable_device", device.id, actor, _detail(f"窗口 {device.counter}", reason))
        session.commit()
        return DeviceInfo(device.id, device.counter, device.name, device.active)

    def active_device(self, session: Session, counter: str) -> str:
        """The id of the counter's enabled device (admins know counters better than device ids)."""
        device_id = session.scalar(select(Device.id).where(Device.counter == counter.strip(), Device.active))
        if device_id is None:
            raise InvalidRequest(f"窗口 {counter} 没有启用的设备", code="device_unknown")
        return device_id

    def _device(self, session: Session, device_id: str) -> Device:
        device = session.get(Device, device_id.strip())
        if device is None:
            raise InvalidRequest(
                f"找不到设备 {device_id}", hint="设备编号见 enroll-device 的输出", code="device_unknown"
            )
        return device

    def _set_operator_active(
        self, session: Session, username: str, active: bool, actor: str, reason: str
    ) -> None:
        begin_write(session)
        op = session.scalar(select(Operator).where(Operator.username == username.strip()))
        if op is None:
            raise InvalidRequest(f"找不到用户名 {username}", code="username_unknown")
        if op.active == active:
            state = "启用" if active else "停用"
            raise InvalidRequest(
                f"工作人员 {username} 已是{state}状态", code=f"already_{'en' if active else 'dis'}abled"
            )
        op.active = active
        if active:
            session.execute(delete(Token).where(Token.operator_id == op.id))
            op.failed_attempts = 0
            op.locked_until = None
        self._audit(session, f"{'enable' if active else 'disable'}_operator", op.username, actor, reason)
        versions.stamp(session, [op])  # counters learn it with the catalog and refuse the account offline too
        session.commit()

    def _audit(self, session: Session, action: str, subject: str, actor: str, detail: str) -> None:
        session.add(AdminAudit(at=self._clock(), action=action, subject=subject, actor=actor, detail=detail))


def bad_credentials() -> Unauthorized:
    return Unauthorized(SIGN_IN_REFUSED, hint=SIGN_IN_HINT, code="bad_credentials")


def operator_disabled() -> Unauthorized:
    return Unauthorized("此账号已被中心停用", hint="请联系管理员", code="operator_disabled")


def device_disabled() -> Unauthorized:
    return Unauthorized(
        "本设备已被中心停用", hint="登记暂存本机；请联系管理员启用本设备或重新登记", code="device_disabled"
    )


def _detail(*parts: str) -> str:
    return "；".join(p for p in parts if p)
