"""The counter's end of the centre's push channel: listens on its own thread, wakes the sync worker on each move.

It only says *that* something moved; the sync worker pulls what moved, by version, so an event told twice or
a pull made for nothing changes nothing. While the stream is down the sync worker's polling carries on alone.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests

from kiosk.services.failures import log_unexpected
from kiosk.services.sync_worker import backoff_delay
from kiosk_core.errors import KioskError
from kiosk_core.selection_moves import SelectionMove

log = logging.getLogger(__name__)

STREAM_PATH = "/v1/events/stream"
CONNECT_TIMEOUT = 3.0
# The centre sends a heartbeat every 15 s: three missed and the link is taken for dead and made again.
READ_TIMEOUT = 45.0
# A stream that ends sooner than this counts as a failure: something between answers and hangs up at once.
MIN_STREAM_SECONDS = 1.0


@dataclass(frozen=True)
class PushEvent:
    id: str
    kind: str  # catalog / reviews / plan_counts / selection / reset (pull everything)
    version: int | None
    move: SelectionMove | None = None  # kind selection: what moved, to tell who it concerns


class PushClient:
    """``on_event`` and ``on_auth_failed`` run on the push thread: they must only hand over (wake a worker).

    ``token`` is read afresh for each connection (the sync worker renews it in the keyring): no token object
    is shared between threads.
    """

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        on_event: Callable[[PushEvent], None],
        on_auth_failed: Callable[[], None] = lambda: None,
        *,
        read_timeout: float = READ_TIMEOUT,
        base_backoff: float = 1.0,
        max_backoff: float = 60.0,
        rng: random.Random | None = None,
    ):
        self.url = base_url.rstrip("/") + STREAM_PATH
        self._token = token
        self._on_event = on_event
        self._on_auth_failed = on_auth_failed
        self._read_timeout = read_timeout
        self._base = base_backoff
        self._cap = max_backoff
        self._rng = rng or random.Random()
        self._http = requests.Session()  # its own: requests' sessions are not for sharing between threads
        self._stopping = threading.Event()
        self._response: requests.Response | None = None
        self._dropped = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="kiosk-push", daemon=True)
        self.last_event_id: str | None = None
        self.failures = 0
        self.connected = threading.Event()  # set while a stream is open (the sync strip and tests read it)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._hang_up()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._http.close()

    def drop(self) -> None:
        """Close the current stream, as a lost link would; it is made again after the backoff."""
        self._hang_up()

    def _hang_up(self) -> None:
        with self._lock:
            response = self._response
            self._dropped = response is not None
        if response is not None:
            # Closing the response alone leaves a read blocked until the next heartbeat: shut the socket.
            sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            response.close()

    def _run(self) -> None:
        # Nothing may end this loop but stop(): a dead push thread would leave the counter on polling for good.
        while not self._stopping.is_set():
            ended_cleanly, began = False, time.monotonic()
            try:
                ended_cleanly = self._listen()
            except requests.RequestException as exc:
                if not self._stopping.is_set():
                    log.info("push stream lost (%s); polling goes on", type(exc).__name__)
            except KioskError as exc:  # the keyring away: the sync strip says so already
                log.info("push stream not started: %s", exc.message)
            except Exception as exc:
                if self._stopping.is_set() or self._dropped:
                    log.info("push stream closed here")  # the reading thread meets its closed socket
                else:
                    log_unexpected(exc, "push stream failed; polling goes on", log)
            finally:
                self.connected.clear()
                self._dropped = False
            if self._stopping.is_set():
                return
            if ended_cleanly and time.monotonic() - began >= MIN_STREAM_SECONDS:
                continue  # the centre ends each stream after a while: resume at once, events kept meanwhile
            self.failures += 1
            self._stopping.wait(backoff_delay(self.failures, self._base, self._cap, self._rng))

    def _listen(self) -> bool:
        """One stream, until it ends; True when the centre ended it after it was open (not a failure)."""
        token = self._token()
        if not token:
            self._on_auth_failed()  # not signed in yet: the sync worker's next round gets a token
            return False
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        response = self._http.get(
            self.url, headers=headers, stream=True, timeout=(CONNECT_TIMEOUT, self._read_timeout)
        )
        with self._lock:
            self._response = response
        try:
            if response.status_code == 401:
                log.info("push stream: the centre wants a new token")
                self._on_auth_failed()
                return False
            if response.status_code != 200:
                log.info("push stream refused: HTTP %s", response.status_code)
                return False
            self.failures = 0
            self.connected.set()
            for event in parse_events(response.iter_content(chunk_size=None)):
                if self._stopping.is_set():
                    return False
                self.last_event_id = event.id or self.last_event_id
                self._on_event(event)
            return True
        finally:
            with self._lock:
                self._response = None
            response.close()


def parse_events(chunks: Iterator[bytes]) -> Iterator[PushEvent]:
    """Server-Sent Events from a byte stream (the parts Kiosk's centre sends: id, event, data, comments)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    buffer = ""
    fields: dict[str, str] = {}
    for chunk in chunks:
        buffer += decoder.decode(chunk)
        *lines, buffer = buffer.replace("\r\n", "\n").split("\n")
        for line in lines:
            if line:
                if not line.startswith(":"):  # a comment is a heartbeat: only the read timeout cares
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                continue
            if "event" in fields or "data" in fields:
                yield _event(fields)
            fields = {}


def _event(fields: dict[str, str]) -> PushEvent:
    try:
        data = json.loads(fields.get("data") or "{}")
    except ValueError:
        data = {}
    version = data.get("version") if isinstance(data, dict) else None
    kind = fields.get("event") or (str(data.get("kind", "")) if isinstance(data, dict) else "")
    version = version if isinstance(version, int) else None
    move = SelectionMove.parse(version, data) if kind == "selection" and isinstance(data, dict) else None
    return PushEvent(fields.get("id", ""), kind, version, move)
