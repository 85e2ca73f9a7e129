"""Read-model databases: one SQL text for both stores; the dialect differences live here."""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.unavailable import Unavailable
from projections.store import Params, Row

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@functools.lru_cache(maxsize=1024)  # the same few statements, once per event
def to_pyformat(sql: str) -> str:
    """``:name`` (SQLite) to ``%(name)s`` (psycopg); a literal ``%`` is doubled first."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class _SQLiteTransaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self.conn.execute(sql, params or {}).rowcount

    def execute_many(self, sql: str, params: list[Params]) -> None:
        self.conn.executemany(sql, params)

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        return [dict(r) for r in self.conn.execute(sql, params or {}).fetchall()]


@contextmanager
def _unavailable_when_locked() -> Iterator[None]:
    """SQLite's busy timeout ran out: another writer held the file too long; temporary, not a bug."""
    try:
        yield
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise Unavailable(f"SQLite: {e}") from e
        raise


class SQLiteReadStore:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[_SQLiteTransaction]:
        conn = self._conn()
        with _unavailable_when_locked():
            conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway through
        try:
            yield _SQLiteTransaction(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a failed COMMIT would leave this thread's connection stuck in it
                conn.execute("ROLLBACK")
            raise

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        with _unavailable_when_locked():
            return _SQLiteTransaction(self._conn()).query(sql, params)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()


class _PostgresTransaction:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params | None = None) -> int:
        with self.conn.cursor() as cur:
            cur.execute(to_pyformat(sql), params or {})
            return cur.rowcount

    def execute_many(self, sql: str, params: list[Params]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(to_pyformat(sql), params)  # psycopg pipelines them: one round trip, not one each

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(to_pyformat(sql), params or {})
            return cur.fetchall()


# psycopg_pool retries a failed connect with a doubling delay for ``reconnect_timeout`` (5 minutes by default),
# so after a long outage the pool could stay empty for minutes once the server is back. Giving up sooner lets
# the next request start a fresh attempt at once: the pool recovers within seconds of the server.
RECONNECT_TIMEOUT = 10.0


def check_or_purge(pool: ConnectionPool[Any], conn: psycopg.Connection[Any]) -> None:
    """psycopg_pool's connection check, run as each connection leaves the pool; on the first dead one it tests
    every idle connection at once. A restart or pg_terminate_backend kills them all together, and the pool
    would otherwise find them one by one, sleeping 1 s, 2 s, 4 s... between them (its backoff)."""
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool.check()  # drops the dead ones and opens replacements; the caller then gets a fresh one
        raise


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    """A connection or server failure becomes ``Unavailable``: temporary, and without the driver's text."""
    try:
        yield
    except psycopg.OperationalError as e:
        if not outage(e):
            raise  # e.g. "index row size exceeds" (54000): the statement's fault, not the server's
        raise Unavailable(f"PostgreSQL: {type(e).__name__}: {e}") from e


# SQLSTATE classes of the connection or the server's state: connection (08), rollback/deadlock (40),
# resources (53), lock not available (55), operator intervention such as a shutdown (57), I/O (58).
_OUTAGE_SQLSTATE_CLASSES = {"08", "40", "53", "55", "57", "58"}


def outage(error: psycopg.Error) -> bool:
    """True when the server could not answer, rather than refused this statement: without a SQLSTATE the
    connection broke (or the pool timed out) before any answer came."""
    return not error.sqlstate or error.sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES


class PostgresReadStore:
    dialect = "postgresql"

    def __init__(self, url: str, *, max_size: int = 10, wait: float = 5.0) -> None:
        # ``check`` tests each connection as it leaves the pool, so one dropped by a server restart or
        # pg_terminate_backend (even while idle, as the key pool mostly is) is replaced instead of failing
        # the request that drew it.
        # ``wait``: how long a caller waits for a connection before the store answers Unavailable.
        # ``reconnect_timeout``: see RECONNECT_TIMEOUT.
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=True,
            kwargs={"autocommit": True},
            check=lambda conn: check_or_purge(self.pool, conn),
            timeout=wait,
            reconnect_timeout=RECONNECT_TIMEOUT,
        )

    @contextmanager
    def transaction(self) -> Iterator[_PostgresTransaction]:
        # A write is never retried here: whether a broken COMMIT took effect is unknown.
        with _unavailable_on_failure(), self.pool.connection() as conn, conn.transaction():
            yield _PostgresTransaction(conn)

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """A read is idempotent, so one whose connection broke under it is retried once, on a fresh connection."""
        with _unavailable_on_failure():
            for attempt in (1, 2):
                with self.pool.connection() as conn:  # a broken connection is discarded when it goes back
                    try:
                        return _PostgresTransaction(conn).query(sql, params)
                    except psycopg.OperationalError:
                        if attempt == 2 or not (conn.broken or conn.closed):
                            raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.pool.close()
