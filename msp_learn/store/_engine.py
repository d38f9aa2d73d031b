"""Opening a database: the default location, SQLite settings, and dialect-specific SQL."""

from __future__ import annotations

import os
import sqlite3
import time
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
