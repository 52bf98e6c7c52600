"""An HTTP proxy on loopback that loses requests and responses, like a bad counter network.

A lost request never reaches the centre; a lost response reaches it and is applied, but the kiosk never hears
back. Both close the kiosk's connection abruptly, as a dropped link would.
"""

from __future__ import annotations

import contextlib
import http.client
import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LossyProxy:
    def __init__(self, upstream_port: int, *, drop_requests: float, drop_responses: float, seed: int = 1):
        self.upstream_port = upstream_port
        self.drop_requests = drop_requests
        self.drop_responses = drop_responses
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.counts = {"forwarded": 0, "lost_requests": 0, "lost_responses": 0}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                fate = proxy._fate()
                if fate == "lost_request":
                    self._hang_up()
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                upstream.close()
                if fate == "lost_response":
                    self._hang_up()
                    return
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in (
                        "transfer-encoding",
                        "connection",
                        "content-length",
                        "date",
                        "server",
                    ):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _hang_up(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

            do_GET = _relay
            do_POST = _relay

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="lossy-proxy", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _fate(self) -> str:
        with self._lock:
            roll = self._rng.random()
            if roll < self.drop_requests:
                fate = "lost_request"
            elif roll < self.drop_requests + self.drop_responses:
                fate = "lost_response"
            else:
                fate = "forwarded"
            self.counts[
                {"lost_request": "lost_requests", "lost_response": "lost_responses"}.get(fate, fate)
            ] += 1
            return fate

    def __enter__(self) -> LossyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
