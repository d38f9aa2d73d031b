"""Opening a database: the default location, SQLite settings, and dialect-specific SQL."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite

BUSY_TIMEOUT_SECONDS = 30


def data_dir() -> Path:
    """Where the kit keeps learner data: ``MSP_LEARN_DATA``, else ``~/.local/share/msp_learn``."""
    if os.environ.get("MSP_LEARN_DATA"):
        return Path(os.environ["MSP_LEARN_DATA"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "msp_learn"


def default_url() -> str:
    """``MSP_LEARN_DB`` if set, else a SQLite file in :func:`data_dir`."""
    return os.environ.get("MSP_LEARN_DB") or f"sqlite:///{data_dir() / 'msp_learn.sqlite'}"


def sqlite_engine(url: str, *, create: bool) -> Engine:
    """An engine for a SQLite URL: WAL, a busy timeout, foreign keys and secure delete on.

    Transactions begin with BEGIN IMMEDIATE when the connection is marked ``msp_write``.
    """
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        if not create and not path.exists():
            raise FileNotFoundError(f"no learner database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in (f"busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}", "foreign_keys = ON",
                       "secure_delete = ON"):
            cursor.execute(f"PRAGMA {pragma}")
        _use_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock at once, so it waits its turn instead of failing
        # when another process wrote between its first read and its first write.
        writing = conn.get_execution_options().get("msp_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


class WriterQueue:
    """Writers to one SQLite file take turns through an OS lock on a file beside it
    (``<database>-writers``, empty).

    SQLite's busy handler makes a waiting writer sleep, up to 100 ms a time, and try again,
    so under a crowd the write lock often sits free while every waiter sleeps (measured with
    30 writer processes: twice the throughput and a third of the p95 latency with the queue;
    benchmarks/README.md). Waiting here, a writer starts as soon as the one before it is done.
    The OS releases the lock of a process that is killed. SQLite's own locking still guards
    the data: after ``BUSY_TIMEOUT_SECONDS`` here, or if the lock file cannot be made, a
    writer goes on to SQLite's busy timeout as before.
    """

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + "-writers")
        self._fd: int | None = None
        self._pid = 0
        self._threads = threading.RLock()  # a process's threads share one open file
        self._depth = 0

    def _open(self) -> int | None:
        if self._fd is not None and self._pid != os.getpid():
            self._fd = None  # a forked child: the parent's file would share the parent's lock
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                return None
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the queue's lock for one write transaction (a nested call just goes on)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        if not self._threads.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            yield
            return
        self._depth += 1
        held = False
        try:
            fd = self._open() if self._depth == 1 else None
            held = fd is not None and _flock(fd, deadline)
            yield
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._depth -= 1
            self._threads.release()

    def close(self) -> None:
        """Close the lock file (a later write opens it again)."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


def _flock(fd: int, deadline: float) -> bool:
    """Take an exclusive flock on ``fd``, waiting until ``deadline``; False if not taken."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
        except OSError:
            return False
        time.sleep(0.001)


def writer_queue(url: str) -> WriterQueue | None:
    """The queue for a SQLite file URL, or None (in-memory and ``file:`` URIs need none)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return WriterQueue(Path(database))


def _use_wal(cursor: Any) -> None:
    """Switch to WAL. Processes switching a new file at once can get "database is locked"
    without the busy timeout applying (SQLite's deadlock rule), so try again for a while."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _dialect_insert(conn: Connection, table: Any) -> Any:
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"msp_learn's store supports SQLite and PostgreSQL, not {name}")


def insert_ignoring_conflict(conn: Connection, table: Any, keys: list[str]) -> Any:
    """An INSERT into ``table`` that does nothing if a row with the same ``keys`` exists."""
    return _dialect_insert(conn, table).on_conflict_do_nothing(index_elements=keys)


def upsert(conn: Connection, table: Any, values: dict[str, Any], *, keys: list[str]) -> None:
    """Insert ``values``, or update the row with the same ``keys``, in one statement."""
    statement = _dialect_insert(conn, table).values(**values)
    changed = {k: statement.excluded[k] for k in values if k not in keys}
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed))
