"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, a
temporary data folder, a free port on 127.0.0.1, stopped and removed when done.

Debian's ``postgresql`` package puts the binaries in ``/usr/lib/postgresql/<version>/bin``
(``scripts/system-deps`` installs it). ``initdb`` and ``pg_ctl`` refuse to run as root, so as
root the cluster runs as the ``postgres`` user the package creates.

Used by the ``pg_cluster`` / ``pg_url`` fixtures (tests/conftest.py) and by
``benchmarks/bench_store_crash.py``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
#: Enough for the crash benchmark's 30 writers and a reader, with room to spare.
MAX_CONNECTIONS = 120


class PostgresMissingError(RuntimeError):
    """PostgreSQL's server binaries are not installed on this machine."""


def find_bin(root: Path | None = None) -> Path:
    """The ``bin`` folder of the newest PostgreSQL installed under ``root`` (default
    :data:`PG_ROOT`)."""
    root = root or PG_ROOT
    found = [p.parent for p in root.glob("*/bin/initdb") if p.parent.parent.name.isdigit()]
    if not found:
        raise PostgresMissingError(
            f"PostgreSQL's server is not installed (no {root}/<version>/bin/initdb). The store "
            "tests run against a real PostgreSQL: run scripts/system-deps (it installs Debian's "
            "postgresql package), or apt-get install postgresql")
    return max(found, key=lambda p: int(p.parent.name))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One PostgreSQL cluster in a temporary folder. Use as a context manager, or call
    :meth:`start` and :meth:`stop`.

    Args:
        settings: extra server settings (``-c name=value``), e.g. ``{"fsync": "off"}``.
    """

    def __init__(self, *, settings: dict[str, str] | None = None,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.bin = find_bin()
        self.settings = {"max_connections": str(max_connections), **(settings or {})}
        self.folder: Path | None = None
        self.port: int | None = None
        self._as_postgres = os.geteuid() == 0

    @property
    def data(self) -> Path:
        assert self.folder is not None, "the cluster is not started"
        return self.folder / "data"

    @property
    def log(self) -> Path:
        assert self.folder is not None, "the cluster is not started"
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for ``database`` on this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        user = {"user": SUPERUSER, "group": pwd.getpwnam(SUPERUSER).pw_gid} \
            if self._as_postgres else {}
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder,
                              timeout=120, **user)
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}{log}")
        return done

    def start(self) -> Cluster:
        """initdb in a new temporary folder, then start the server on a free port."""
        self.folder = Path(tempfile.mkdtemp(prefix="msp-pg-"))
        if self._as_postgres:
            try:
                postgres = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PostgresMissingError(
                    "running as root, the cluster needs the 'postgres' user that Debian's "
                    "postgresql package creates: run scripts/system-deps") from None
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        self.folder.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER,
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        for attempt in range(5):  # another process may take the free port first
            self.port = free_port()
            started = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {options}",
                "start", check=attempt == 4)
            if started.returncode == 0:
                return self
            time.sleep(0.2)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self.folder is None:
            return
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop",
                          check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Databases:
    """Makes and drops fresh databases on a server, given a superuser URL to it."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        """A new, empty database; returns its URL."""
        name = f"msp_test_{uuid.uuid4().hex[:12]}"
        with self._engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
        return make_url(self.admin_url).set(database=name).render_as_string(
            hide_password=False)

    def drop(self, url: str) -> None:
        """Drop the database ``url`` names, closing any sessions still on it."""
        name = make_url(url).database
        with self._engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self._engine.dispose()

