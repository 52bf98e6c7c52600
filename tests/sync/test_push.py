"""The centre's push channel against the real service on loopback: changes wake the counter, drops lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kiosk.bootstrap import Built
from kiosk.services.push_client import PushClient, PushEvent, parse_events
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore
from kiosk.services.sync import CATALOG_VERSION
from kiosk.services.sync_worker import SyncWorker
from kiosk.services.views import SyncStatus
from kiosk.storage import tables as t
from kiosk_central import versions
from kiosk_central.api.app import create_app
from kiosk_central.db import begin_write
from kiosk_central.services.catalog_writer import upsert_households
from kiosk_central.services.push import Position, PushHub, events_between, stream
from kiosk_central.tables import Token
from tests.central.server import LiveServer
from tests.central.world import Family, _household, id_number
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.test_photos_and_counts import _q2611
from tests.sync.test_sync import quick_draft, sign_in

WAIT = 20.0  # only a bound on a hung test: every wait below ends on an event


class Relay:
    """A TCP relay on loopback in front of the centre: ``cut()`` drops every open link and refuses new ones."""

    def __init__(self, upstream_port: int):
        self._upstream = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._open = threading.Event()
        self._open.set()
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()
        self.requests: list[bytes] = []  # each GET's head, kept-alive connections included
        self.accepted = threading.Semaphore(0)
        threading.Thread(target=self._accept, name="relay", daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def cut(self) -> None:
        self._open.clear()
        with self._lock:
            links, self._links = self._links, []
        for s in links:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def resume(self) -> None:
        self._open.set()

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self._upstream))
            with self._lock:
                self._links += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, request: bool) -> None:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                break
            if not data:
                break
            if request and data.startswith(b"GET "):  # a request (the client sends each head in one piece)
                self.requests.append(data)
                self.accepted.release()
            try:
                dst.sendall(data)
            except OSError:
                break
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@dataclass
class Counter:
    """A counter's sync worker and push client, and what they reported, in arrival order."""

    built: Built
    worker: SyncWorker
    push: PushClient
    statuses: queue.Queue[SyncStatus] = field(default_factory=queue.Queue)
    events: list[PushEvent] = field(default_factory=list)
    told: queue.Queue[PushEvent] = field(default_factory=queue.Queue)
    applied: list[int] = field(default_factory=list)
    refused: queue.Queue[None] = field(default_factory=queue.Queue)  # streams refused for their token

    def catalog_version(self) -> int:
        with Session(self.built.engine) as s:
            row = s.get(t.Setting, CATALOG_VERSION)
            return int(row.value) if row else 0

    def wait_for(self, done: Callable[[], bool]) -> None:
        """Until ``done()`` after a finished sync round (each round reports its status)."""
        while not done():
            self.statuses.get(timeout=WAIT)

    def wait_told(self, kind: str, version: int) -> PushEvent:
        while True:
            event = self.told.get(timeout=WAIT)
            if event.kind == kind and (event.version or 0) >= version:
                return event


@pytest.fixture
def counter(kiosk: KioskFactory, centre: CentralUnderTest) -> Iterator[Callable[..., Counter]]:
    made: list[Counter] = []

    def make(*, push_url: str | None = None, interval: float = 3600.0) -> Counter:
        k = kiosk("01", synced=True)
        k.services.sync.sync_once()  # enrolled and in step: the device token is in the keyring
        secrets = SecretStore(service="kiosk-test-01")
        box: list[Counter] = []
        pull = k.services.sync.pull_catalog

        def counted_pull() -> int:
            n = pull()
            box[0].applied.append(n)
            return n

        k.services.sync.pull_catalog = counted_pull  # type: ignore[method-assign]

        def on_event(event: PushEvent) -> None:
            box[0].events.append(event)
            box[0].told.put(event)
            worker.sync_now()

        worker = SyncWorker(k.services.sync, lambda s: box[0].statuses.put(s), interval=interval)
        push = PushClient(
            push_url or centre.base_url,
            lambda: secrets.get(DEVICE_TOKEN) or "",
            on_event,
            lambda: (box[0].refused.put(None), worker.sync_now()),
            base_backoff=0.05,
            max_backoff=0.2,
        )
        box.append(Counter(k, worker, push))
        made.append(box[0])
        worker.start()
        push.start()
        return box[0]

    yield make
    for c in made:
        c.push.stop()
        c.worker.stop()


_serial = iter(range(1, 10_000))


def add_household(centre: CentralUnderTest) -> int:
    """One catalog change committed at the centre; returns the catalog version it made."""
    n = next(_serial)
    family = Family(f"BA2031{n:06d}", id_number("19850101", n % 900 + 1))
    with centre.central.db.session() as s:
        begin_write(s)
        upsert_households(s, [_household(family)])
        s.commit()
        return versions.current(s)


def test_a_catalog_change_reaches_the_counter_without_waiting_for_the_poll(
    counter: Callable[..., Counter], centre: CentralUnderTest
) -> None:
    c = counter(interval=3600.0)  # an hour between polls: only the push can bring it in this test
    c.wait_told("reset", 0)  # connected: the first event of a stream without an id says "pull everything"
    version = add_household(centre)
    c.wait_told("catalog", version)
    c.wait_for(lambda: c.catalog_version() == version)


def test_events_survive_a_dropped_connection_without_loss_or_duplicates(
    counter: Callable[..., Counter], centre: CentralUnderTest
) -> None:
    relay = Relay(centre.port)
    try:
        c = counter(push_url=relay.base_url)
        c.wait_told("reset", 0)
        start = c.catalog_version()
        for _ in range(3):
            told = c.wait_told("catalog", add_household(centre))
        relay.cut()  # the link drops: these three changes are made while the counter hears nothing
        missed = [add_household(centre) for _ in range(3)]
        heads_before = len(relay.requests)
        relay.resume()
        c.wait_told("catalog", missed[-1])
        last = add_household(centre)
        c.wait_told("catalog", last)
        c.wait_for(lambda: c.catalog_version() == last)
    finally:
        relay.close()
    resumed = relay.requests[heads_before].decode()
    assert f"Last-Event-ID: {told.id}" in resumed  # picked up where it was, not from the start
    ids = [e.id for e in c.events]
    assert len(ids) == len(set(ids))  # nothing told twice
    assert [e.kind for e in c.events].count("reset") == 1  # only the first connection's
    catalog = [e.version or 0 for e in c.events if e.kind == "catalog"]
    assert catalog == sorted(catalog) and catalog[-1] == last
    assert sum(c.applied) == last - start  # every change applied once: none lost, none twice


def test_a_counter_without_its_stream_keeps_polling(
    counter: Callable[..., Counter], centre: CentralUnderTest
) -> None:
    relay = Relay(centre.port)
    relay.cut()  # the stream can never be made; the sync worker talks to the centre directly
    try:
        c = counter(push_url=relay.base_url, interval=0.1)
        version = add_household(centre)
        c.wait_for(lambda: c.catalog_version() == version)
    finally:
        relay.close()
    assert not c.events and not c.push.connected.is_set()


def test_a_registration_at_another_counter_brings_the_plan_count_at_once(
    counter: Callable[..., Counter], kiosk: KioskFactory
) -> None:
    c = counter(interval=3600.0)
    c.wait_told("reset", 0)
    other = kiosk("02", synced=True)
    other.services.sync.sync_once()
    other.services.registration.register(quick_draft(other), sign_in(other))
    other.services.sync.sync_once()  # a quick plan: no unit taken, the catalog does not move, only the count
    c.wait_told("plan_counts", 1)
    c.wait_for(lambda: _q2611(c.built).registered_count == 1)


def test_the_app_starts_a_push_client_that_wakes_its_sync_worker(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    from kiosk.bootstrap import start_push

    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    # The app's secret store is the default one: the counter's token goes there as kiosk-enroll's would.
    SecretStore().set(DEVICE_TOKEN, SecretStore(service="kiosk-test-01").get(DEVICE_TOKEN) or "")

    class Worker:
        woken = threading.Event()

        def sync_now(self) -> None:
            self.woken.set()

    worker = Worker()
    push = start_push(centre.base_url, SecretStore(), worker.sync_now)
    try:
        assert worker.woken.wait(WAIT)
        assert push.last_event_id  # woken by the stream's first event (reset), not by a refused token
    finally:
        push.stop()


@pytest.fixture
def short_streams(centre: CentralUnderTest, live_server: LiveServer) -> Iterator[None]:
    """The centre's app with streams that end every 0.3 s and heartbeats every 0.05 s."""
    app = create_app(centre.central)
    app.state.push_lifetime = 0.3
    app.state.push_heartbeat = 0.05
    with live_server.serving(app):
        yield


def test_a_stream_the_centre_ends_is_resumed_from_its_last_event(
    short_streams: None, counter: Callable[..., Counter], centre: CentralUnderTest
) -> None:
    relay = Relay(centre.port)
    try:
        c = counter(push_url=relay.base_url)
        c.wait_told("reset", 0)
        for _ in range(3):  # three streams ended by the centre
            assert relay.accepted.acquire(timeout=WAIT)
        version = add_household(centre)
        c.wait_told("catalog", version)
        c.wait_for(lambda: c.catalog_version() == version)
    finally:
        c.push.stop()
        relay.close()
    assert [e.kind for e in c.events].count("reset") == 1
    assert all(b"Last-Event-ID: " in head for head in relay.requests[1:])


def test_an_expired_token_is_renewed_by_the_sync_worker_and_the_stream_goes_on(
    short_streams: None, counter: Callable[..., Counter], centre: CentralUnderTest
) -> None:
    c = counter()
    c.wait_told("reset", 0)
    for _ in range(2):  # the worker's first round and the one the reset asked for: then it sleeps an hour
        c.statuses.get(timeout=WAIT)
    with centre.central.db.session() as s:
        s.execute(delete(Token))  # every token expires at once: the next stream is refused with 401
        s.commit()
    c.refused.get(timeout=WAIT)  # the next stream was refused
    version = add_household(centre)
    try:
        c.wait_told("catalog", version)  # told after the sync worker signed the device in again
    finally:
        c.push.stop()
    with centre.central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Token)) >= 1


def test_a_listener_is_told_of_a_move_another_streams_first_read_saw_first(centre: CentralUnderTest) -> None:
    async def scenario() -> str:
        hub = PushHub(centre.central.db.session, poll=0.5)  # the change and the second read fit in one tick
        first = stream(hub, None, heartbeat=3600)  # no heartbeat within the test: only a wake tells it
        assert "reset" in await anext(first) + await anext(first)
        version = add_household(centre)
        second = stream(hub, None, heartbeat=3600)
        assert f"{version}." in await anext(second) + await anext(second)  # its first read sees the move
        told = await asyncio.wait_for(anext(first), WAIT)
        await first.aclose()
        await second.aclose()
        return told

    assert '"kind": "catalog"' in asyncio.run(scenario())


def test_each_kind_that_moved_is_told_once_and_an_unknown_position_is_reset() -> None:
    old, new = Position(5, 2, 9), Position(7, 2, 11)
    told = events_between(old, new)
    assert [(e.kind, e.version, e.id) for e in told] == [
        ("catalog", 7, "7.2.9"),  # a drop after this one resumes at 7.2.9 and still hears of the counts
        ("plan_counts", 11, "7.2.11"),
    ]
    assert events_between(new, new) == []
    assert [e.kind for e in events_between(None, new)] == ["reset"]
    assert [e.kind for e in events_between(Position(8, 0, 0), new)] == ["reset"]  # ahead of the centre
    assert Position.parse("7.2.11") == new
    assert Position.parse("7.2") is None and Position.parse("x.1.2") is None and Position.parse(None) is None


def test_events_split_anywhere_in_the_byte_stream_are_read_whole() -> None:
    text = (
        b'retry: 2000\n\nid: 1.0.0\nevent: reset\ndata: {"kind": "reset"}\n\n: heartbeat\n\n'
        b'id: 2.0.0\r\nevent: catalog\r\ndata: {"kind": "catalog", "version": 2}\r\n\r\n'
    )
    for cut in range(1, len(text)):
        events = list(parse_events(iter([text[:cut], text[cut:]])))
        assert events == [PushEvent("1.0.0", "reset", None), PushEvent("2.0.0", "catalog", 2)]
