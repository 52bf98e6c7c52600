"""Running the API under uvicorn, one process or several workers sharing the listening socket."""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "kiosk_central.api.app:app_from_env"


class _Config(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            # uvicorn makes the workers' shared socket without IPPROTO_TCP, so asyncio leaves Nagle on for the
            # connections they accept, and every response (headers, then body) waits ~40 ms for a delayed ACK.
            # Linux hands TCP_NODELAY from the listening socket down to accepted ones.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def serve(host: str, port: int, workers: int = 1, log_level: str = "info") -> None:
    """Serve the app built from the environment (KIOSK_CENTRAL_DATABASE_URL) until interrupted."""
    config = _Config(APP, factory=True, host=host, port=port, workers=workers, log_level=log_level)
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
