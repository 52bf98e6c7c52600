"""A throwaway PostgreSQL cluster on a loopback port, for the tests and the benchmark (never for production)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_pg_bin() -> Path:
    configured = os.environ.get("KIOSK_CENTRAL_PG_BIN")
    candidates = [configured] if configured else []
    candidates += list(PG_BIN_DIRS)
    for d in candidates:
        if d and (Path(d) / "initdb").is_file() and (Path(d) / "pg_ctl").is_file():
            return Path(d)
    found = shutil.which("pg_ctl")
    if found and (Path(found).parent / "initdb").is_file():
        return Path(found).parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15 or set KIOSK_CENTRAL_PG_BIN"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """initdb into a temporary folder, start on 127.0.0.1:<free port>, drop everything on stop().

    ``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user (su).
    ``settings`` are extra ``-c name=value`` server settings.
    """

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.bin = find_pg_bin()
        self.port = free_port()
        self.settings = settings or {}
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-central-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self._as_root = os.geteuid() == 0
        self._started = False

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> ThrowawayPostgres:
        self.socket_dir.mkdir()
        if self._as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            + ["--locale=C.UTF-8", "--no-sync"]
        )
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        options += "".join(f" -c {k}={v}" for k, v in self.settings.items())
        self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.root / "log"),
                "-w",
            ]
            + ["start"]
        )
        self._started = True
        return self

    def createdb(self, name: str, template: str | None = None) -> str:
        cmd = [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        if template:
            cmd += ["-T", template]
        self._run([*cmd, name])
        return self.url(name)

    def dropdb(self, name: str) -> None:
        cmd = [str(self.bin / "dropdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        self._run([*cmd, "--if-exists", "--force", name])

    def stop(self) -> None:
        try:
            if self._started:
                self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
                self._started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, argv: list[str]) -> None:
        if self._as_root:
            # su needs one command line; every argument here is a path, a number or a fixed word.
            argv = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_quote(a) for a in argv)]
        result = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")
        if result.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{argv[-1] if not self._as_root else argv[-1][:200]} failed: {result.stderr}{tail}"
            )


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
