"""Offline-first sync with the centre: the outbox goes out in order, catalog and review changes come in.

The sending itself is in sync_outbox; the offline guardrails' limits and refusals in sync_guards.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, select, update

from kiosk.services import queries
from kiosk.services.auth import OPERATOR_DISABLED, operator_disabled
from kiosk.services.catalog_apply import apply_changes
from kiosk.services.central_client import (
    CentralClient,
    CentralRefused,
    ChangePage,
)
from kiosk.services.central_session import CentralSession
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.clock import Clock
from kiosk.services.draw_apply import apply_outcomes, withdrawn
from kiosk.services.photos import MAX_PHOTO_BYTES, PhotoCache
from kiosk.services.review_apply import apply_reviews
from kiosk.services.secrets import SecretStore, operator_token_name
from kiosk.services.sync_guards import DEVICE_DISABLED, DeviceDisabled, OfflineTooLong, SyncLimits
from kiosk.services.sync_outbox import BATCH_SIZE, send_outbox
from kiosk.services.views import SyncStatus
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWork, UnitOfWorkFactory
from kiosk_core.errors import AuthFailed, KioskError
from kiosk_core.wire import CatalogChange, DrawOutcomeRow, ReviewChange

CATALOG_VERSION = "catalog_version"
REVIEWS_VERSION = "reviews_version"
DRAWS_VERSION = "draws_version"
LAST_SYNC = "last_sync_at"
LAST_CATALOG_SYNC = "last_catalog_sync_at"

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
_T = TypeVar("_T")
_DEFAULT_LIMITS = SyncLimits()  # the defaults, built once as a default argument would be


class SyncService:
    """``central`` is the sync thread's own session with the centre, ``sign_in`` the operators' sign-in's (on the
    network lane): two clients, so no token is shared between threads. ``changes`` hears what a round moved."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        central: CentralSession | None,
        secrets: SecretStore,
        limits: SyncLimits = _DEFAULT_LIMITS,
        photos: PhotoCache | None = None,
        *,
        sign_in: CentralSession | None = None,
        changes: ChangeNotice | None = None,
    ):
        self._uow = uow
        self._photos = photos
        self._clock = clock
        self._central = central
        self._sign_in = sign_in
        self._sign_in_lock = threading.Lock()
        self._secrets = secrets
        self._changes = changes or ChangeNotice()
        self.limits = limits
        self.batch_size = BATCH_SIZE
        self.online = False
        self.device_disabled = False
        self.problem = ""  # why the last round failed, in staff's words (the sync strip shows it)

    @property
    def configured(self) -> bool:
        return self._central is not None

    @property
    def client(self) -> CentralClient:
        return self._session().client

    def sync_once(self, progress: Progress | None = None) -> SyncStatus:
        """One full round: send everything unsent, then pull catalog and reviews. Raises when the centre is away.

        Whatever the round moved is told on ``changes`` once it ends, a failed round's too (what it committed
        before failing stays committed).
        """
        report = progress or (lambda _f, _t: None)
        moved: set[Change] = set()
        try:
            self._ensure_token()
            report(0.05, "发送登记")
            if self.send_outbox(lambda f: report(0.05 + 0.45 * f, "发送登记")):
                moved.add(Change.REGISTRATION)  # the centre's answers settled them: accepted or turned down
            report(0.5, "更新房源和备案名单")
            if self.pull_catalog():
                moved.add(Change.CATALOG)
            report(0.75, "下载项目照片")
            self.fetch_photos()
            report(0.85, "更新各计划登记人数")
            self.pull_plan_counts()
            report(0.9, "更新审核结果")
            if self.pull_reviews():
                moved.add(Change.REGISTRATION)
            report(0.95, "更新摇号结果")
            if self.pull_draws():
                moved.add(Change.DRAW)
            self.online = True
            self.device_disabled = False
            self.problem = ""
            with self._uow() as uow:
                _set(uow, LAST_SYNC, self._clock().isoformat())
                uow.commit()
        except CentralRefused as exc:
            self._failed(exc)
            if exc.code == DEVICE_DISABLED:
                self.device_disabled = True
                raise DeviceDisabled() from None
            raise
        except Exception as exc:
            self._failed(exc)
            raise
        finally:
            for change in (*sorted(moved), Change.SYNC_STATE):
                self._changes.publish(change)
        report(1.0, "同步完成")
        return self.status()

    def _failed(self, exc: Exception) -> None:
        self.online = False
        self.problem = exc.message if isinstance(exc, KioskError) else "同步出错，稍后自动重试"

    def send_outbox(self, progress: Callable[[float], None] | None = None) -> int:
        """Oldest first, in batches; stops at the first network failure so order is kept. Returns how many."""
        return send_outbox(self._uow, self._clock, self._session(), self.batch_size, progress)

    def pull_catalog(self) -> int:
        return self._pull(CATALOG_VERSION, self.client.catalog_changes, _apply_catalog)

    def pull_reviews(self) -> int:
        def apply(uow: UnitOfWork, changes: list[ReviewChange]) -> None:
            apply_reviews(uow.session, changes, self._clock())

        return self._pull(REVIEWS_VERSION, self.client.review_changes, apply)

    def pull_draws(self) -> int:
        """Outcomes of published draws (and withdrawn ones) with their draws' records; returns how many rows.

        A draw's record (its list, a large text for a large plan) is fetched once: when it is new here, not yet
        published here, or withdrawn by this page. The fetches come before the page's transaction, so no
        request waits inside it; the version moves with the rows, as for the other feeds.
        """
        applied = 0
        while True:
            with self._uow() as uow:
                since = int(_get(uow, DRAWS_VERSION) or 0)
            page = self._with_token(partial(self.client.draw_outcomes, since))
            if page is None:
                return applied  # a centre without the lottery
            records = {
                draw_id: self._with_token(partial(self.client.draw_call, "GET", f"/v1/draws/{draw_id}"))
                for draw_id in self._draws_to_fetch(page.changes)
            }
            with self._uow() as uow:
                apply_outcomes(uow.session, page.changes, records, self._clock())
                _set(uow, DRAWS_VERSION, str(page.version))
                uow.commit()
            applied += len(page.changes)
            if not page.more:
                return applied

    def _draws_to_fetch(self, rows: list[DrawOutcomeRow]) -> list[int]:
        ids = {int(row["draw_id"]) for row in rows}
        withdrawn_here = {int(row["draw_id"]) for row in rows if withdrawn(row)}
        with self._uow() as uow:
            query = select(t.Draw.draw_id, t.Draw.state).where(t.Draw.draw_id.in_(ids))
            kept = {draw_id: state for draw_id, state in uow.session.execute(query)}
        return sorted(
            i
            for i in ids
            if kept.get(i) not in ("published", "retracted")
            or (i in withdrawn_here and kept[i] != "retracted")
        )

    def fetch_photos(self) -> int:
        """Download the photos the catalog names and this counter lacks; returns how many it kept.

        A photo the centre lacks or sends wrong is logged and asked for again next round: it must not stop
        registrations and reviews from syncing. A network failure stops the round like any other.
        """
        if self._photos is None:
            return 0
        with self._uow() as uow:
            named = [h for photos in uow.session.scalars(select(t.Project.photos)) for h in photos or ()]
        kept = 0
        for sha256 in self._photos.missing(named):
            try:
                data = self._with_token(partial(self.client.photo, sha256, MAX_PHOTO_BYTES))
            except CentralRefused as exc:
                log.warning("photo %s refused: %s", sha256[:12], exc.message)
                continue
            if data is None:
                log.warning("photo %s: the centre does not have it", sha256[:12])
            elif not self._photos.save(sha256, data):
                log.warning("photo %s: the bytes received do not match their hash", sha256[:12])
            else:
                kept += 1
        return kept

    def pull_plan_counts(self) -> None:
        """The centre's count of each plan's registrations, kept with the centre's time for offline hours."""
        counts = self._with_token(self.client.plan_counts)
        with self._uow() as uow:
            if not counts.counts:
                return
            uow.session.connection().execute(
                update(t.Plan)
                .where(t.Plan.code == bindparam("plan_code"))
                .values(central_count=bindparam("n"), central_count_at=counts.at),
                [{"plan_code": code, "n": n} for code, n in counts.counts.items()],
            )
            uow.commit()

    def status(self) -> SyncStatus:
        with self._uow() as uow:
            s = uow.session
            unsent = s.scalar(select(func.count()).where(t.OutboxMessage.sent_at.is_(None))) or 0
            rejected = s.scalar(select(func.count()).where(t.Registration.central_status == "rejected")) or 0
            rejected += queries.refused_changes_count(s)
            return SyncStatus(
                enrolled=self.configured,
                online=self.online,
                last_sync_at=_get_time(uow, LAST_SYNC),
                last_catalog_sync_at=_get_time(uow, LAST_CATALOG_SYNC),
                unsent=unsent,
                rejected=rejected,
                message="" if self.online else self.problem,
                device_disabled=self.device_disabled,
            )

    def guard(self) -> None:
        """Called before each new registration: refuse when this counter has been cut off for too long."""
        if not self.configured:
            return
        with self._uow() as uow:
            last = _get_time(uow, LAST_CATALOG_SYNC)
            unsent = uow.session.scalar(select(func.count()).where(t.OutboxMessage.sent_at.is_(None))) or 0
        now = self._clock()
        if last is None or now - last > self.limits.max_catalog_age:
            hours = int(self.limits.max_catalog_age.total_seconds() // 3600)
            raise OfflineTooLong(
                f"本机已超过{hours}小时未与中心同步，房源和备案名单可能已过期，暂停新登记",
                hint="请检查网络后点“立即同步”；已登记的记录可照常查询和补打",
            )
        if unsent > self.limits.max_unsent:
            raise OfflineTooLong(
                f"本机有{unsent}笔登记尚未送达中心（上限{self.limits.max_unsent}笔），暂停新登记",
                hint="请检查网络后点“立即同步”",
            )

    # --- internals ---

    def sign_in_operator(self, username: str, password: str) -> None:
        """After a local sign-in: the centre's word on the account, and an operator token kept in the keyring.

        Offline (or not enrolled) the local sign-in stands; a centre that refuses the account is final.
        """
        session = self._sign_in
        if session is None:
            return
        try:
            # The network lane has two threads and the session's token is mutable: one sign-in at a time.
            with self._sign_in_lock:
                session.ensure_token()
                token = session.call(partial(session.client.operator_token, username, password))
                self._secrets.set(operator_token_name(username), token)
        except CentralRefused as exc:
            if exc.code == OPERATOR_DISABLED:
                raise operator_disabled() from None
            if exc.code == DEVICE_DISABLED:
                # The centre said nothing about the operator: the local sign-in stands, the sync strip says why.
                self.device_disabled = True
                self._changes.publish(Change.SYNC_STATE)
                return
            raise AuthFailed(f"中心拒绝登录：{exc.message}", hint="请联系主管核对账号") from None
        except KioskError:
            return  # centre away, keyring missing, not enrolled: work on with the local account

    def _session(self) -> CentralSession:
        if self._central is None:
            raise KioskError("本机未配置中心服务地址，只能离线办理", code="central_not_configured")
        return self._central

    def _ensure_token(self) -> None:
        self._session().ensure_token()

    def _with_token(self, call: Callable[[], _T]) -> _T:
        return self._session().call(call)

    def _pull(
        self,
        setting: str,
        fetch: Callable[[int], ChangePage],
        apply: Callable[[UnitOfWork, list[Any]], None],
    ) -> int:
        applied = 0
        while True:
            with self._uow() as uow:
                since = int(_get(uow, setting) or 0)
            page = self._with_token(partial(fetch, since))
            with self._uow() as uow:
                apply(uow, page.changes)
                # The version moves in the same transaction as the rows: a crash never skips or repeats a page.
                _set(uow, setting, str(page.version))
                if setting == CATALOG_VERSION and not page.more:
                    _set(uow, LAST_CATALOG_SYNC, self._clock().isoformat())
                uow.commit()
            applied += len(page.changes)
            if not page.more:
                return applied


def _apply_catalog(uow: UnitOfWork, changes: list[CatalogChange]) -> None:
    apply_changes(uow.session, changes)


def _get(uow: UnitOfWork, key: str) -> str | None:
    row = uow.session.get(t.Setting, key)
    return row.value if row else None


def _get_time(uow: UnitOfWork, key: str) -> datetime | None:
    value = _get(uow, key)
    return datetime.fromisoformat(value) if value else None


def _set(uow: UnitOfWork, key: str, value: str) -> None:
    row = uow.session.get(t.Setting, key)
    if row is None:
        uow.session.add(t.Setting(key=key, value=value))
    else:
        row.value = value
