"""Read-model databases: one SQL text for both stores; the dialect differences live here."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool

from domain.unavailable import Unavailable
from infra import multirow
from infra.held_connection import CommandPool
from projections.store import Params, Row

_NAMED = multirow.NAMED


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


_column_types: weakref.WeakKeyDictionary[psycopg.Connection[Any], dict[str, dict[str, str]]] = (
    weakref.WeakKeyDictionary()
)  # per connection: {table: {column: type}}, for multi-row inserts


class _PostgresTransaction:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params | None = None) -> int:
        with self.conn.cursor() as cur:
            cur.execute(to_pyformat(sql), params or {})
            return cur.rowcount

    def execute_many(self, sql: str, params: list[Params]) -> None:
        shaped = multirow.shape(sql)
        types = self._types(shaped.table, shaped.typed) if shaped is not None else None
        try:
            merged = multirow.statements(shaped, types, params) if shaped is not None and types is not None else None
        except TypeError:  # a value JSON cannot hold: psycopg adapts it
            merged = None
        with self.conn.cursor() as cur:
            if merged is None or shaped is None:
                cur.executemany(to_pyformat(sql), params)  # psycopg pipelines them: one round trip, not one each
                return
            for statement, rows in merged:
                plain = multirow.without_conflict(shaped, statement) if len(params) >= multirow.OPTIMISTIC else None
                if plain is not None:
                    try:
                        with self.conn.transaction():  # a savepoint: a clash undoes this attempt only
                            cur.execute(plain, (rows.decode(),))
                        continue
                    except psycopg.errors.UniqueViolation:
                        pass  # a key is there already: the statement with its clause decides, as it always did
                cur.execute(statement, (rows.decode(),))

    def _types(self, table: str, columns: tuple[str, ...]) -> dict[str, str] | None:
        """The table's column types, read once per connection and again when a column is new to them (a column
        added since); None when the table has not all of ``columns``."""
        known = _column_types.setdefault(self.conn, {})
        if not set(columns) <= known.get(table, {}).keys():
            with self.conn.cursor(row_factory=tuple_row) as cur:
                cur.execute(
                    "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                    " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
                    (table,),
                )
                known[table] = {str(name): str(kind) for name, kind in cur.fetchall()}
        types = known[table]
        return types if set(columns) <= types.keys() else None

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(to_pyformat(sql), params or {})
            return cur.fetchall()


# psycopg_pool retries a failed connect with a doubling delay for ``reconnect_timeout`` (5 minutes by default),
# so after a long outage the pool could stay empty for minutes once the server is back. Giving up sooner lets
# the next request start a fresh attempt at once: the pool recovers within seconds of the server.
RECONNECT_TIMEOUT = 10.0


# A connection drawn again within this many seconds of its last checkout is not checked (issue 35, item 5): a round
# trip per checkout was one of a command's five. One used that recently is rarely dead, and if it is, the first
# statement fails before anything was written: the event store's retry and the read stores' retry take another,
# and ``purge_if_broken`` has every idle connection tested at once.
CHECK_AFTER_IDLE = 30.0
_now = time.monotonic  # a test moves it on to make the pool's connections idle


class IdleCheck:
    """psycopg_pool's ``check``, for connections idle longer than ``after`` seconds (and new ones): a checkout is
    stamped on the connection, and a recent stamp skips the round trip."""

    def __init__(self, after: float = CHECK_AFTER_IDLE) -> None:
        self.after = after
        self.pool: ConnectionPool[Any] | None = None

    def __call__(self, conn: psycopg.Connection[Any]) -> None:
        now = _now()
        last: float | None = getattr(conn, "_kredensial_checked_out", None)
        conn._kredensial_checked_out = now  # type: ignore[attr-defined]
        if last is not None and now - last < self.after:
            return
        assert self.pool is not None, "IdleCheck.pool is set once the pool exists"
        check_or_purge(self.pool, conn)


def check_or_purge(pool: ConnectionPool[Any], conn: psycopg.Connection[Any]) -> None:
    """psycopg_pool's connection check, run as a connection idle for a while leaves the pool; on the first dead one
    it tests every idle connection at once. A restart or pg_terminate_backend kills them all together, and the pool
    would otherwise find them one by one, sleeping 1 s, 2 s, 4 s... between them (its backoff)."""
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool.check()  # drops the dead ones and opens replacements; the caller then gets a fresh one
        raise


def purge_if_broken(pool: ConnectionPool[Any], conn: psycopg.Connection[Any]) -> None:
    """A connection that broke in use (unchecked, as it was used recently): its idle siblings likely died with it
    (a restart), so they are all tested now, and the retry draws a live one rather than the next dead one."""
    if conn.broken or conn.closed:
        pool.check()


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


def connection_pool(url: str, *, max_size: int) -> ConnectionPool[Any]:
    """The process's connections to one PostgreSQL database (issue 28): every context's event store and every read
    store of a process draw from it, so a process holds at most ``max_size`` connections, and none until it needs
    one (a short command never opens more than it uses; an idle pool shrinks back after ten minutes).

    Connections are in autocommit, as both the event store and the read stores expect; a session left idle inside a
    transaction (a client that died mid-command) frees its locks after 5 s. ``check`` tests a connection idle for
    CHECK_AFTER_IDLE as it leaves the pool, so one dropped by a server restart or pg_terminate_backend while idle is
    replaced instead of failing the request that drew it (a recent one: see CHECK_AFTER_IDLE). ``timeout``: the event
    store's wait for a connection, which the library retries ten times (so an outage answers Unavailable in about
    12 s); read stores wait longer, once.
    ``reconnect_timeout``: see RECONNECT_TIMEOUT."""

    def configure(conn: psycopg.Connection[Any]) -> None:
        conn.autocommit = True
        conn.execute("SET idle_in_transaction_session_timeout = '5s'")

    check = IdleCheck()
    pool: ConnectionPool[Any] = CommandPool(  # a command's checkouts share one connection (infra/held_connection.py)
        url,
        min_size=0,
        max_size=max_size,
        open=True,
        # Named by process, so that an operator (and the budget's test) can count what each process holds.
        kwargs={"autocommit": True, "row_factory": dict_row, "application_name": f"kredensial/{os.getpid()}"},
        configure=configure,
        check=check,
        timeout=1.0,
        reconnect_timeout=RECONNECT_TIMEOUT,
        max_idle=600,
    )
    check.pool = pool
    return pool


# One lock for every process that creates or upgrades tables of a database (pg_advisory_lock takes a bigint).
SCHEMA_LOCK = 0x6B7265645F736368  # "kred_sch"


@contextmanager
def schema_lock(database_url: str) -> Iterator[None]:
    """Holds PostgreSQL's session advisory lock on the schema while the body runs; other processes wait for it.
    ``CREATE TABLE IF NOT EXISTS`` is not safe against itself: two sessions creating the same table at once both
    pass the check and one fails on the catalog's unique index. SQLite (no URL) serialises schema changes itself."""
    if not database_url:
        yield
        return
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


class PostgresReadStore:
    dialect = "postgresql"

    def __init__(self, pool: ConnectionPool[Any], *, owns_pool: bool = False, wait: float = 5.0) -> None:
        # Read stores share their process's pool (``connection_pool``); the one that owns it closes it.
        # ``wait``: how long a caller waits for a connection before the store answers Unavailable.
        self.pool = pool
        self.owns_pool = owns_pool
        self.wait = wait

    @contextmanager
    def transaction(self) -> Iterator[_PostgresTransaction]:
        # A write is never retried once begun: whether a broken COMMIT took effect is unknown. Its BEGIN is: a
        # connection that died while unchecked (used recently, CHECK_AFTER_IDLE) fails there, before any write.
        with _unavailable_on_failure():
            for attempt in (1, 2):
                with self.pool.connection(self.wait) as conn:
                    began = conn.transaction()
                    try:
                        began.__enter__()
                    except psycopg.OperationalError:
                        if attempt == 2 or not (conn.broken or conn.closed):
                            raise
                        purge_if_broken(self.pool, conn)
                        continue
                    with ExitStack() as stack:
                        stack.push(began)  # commits, or rolls back on an error, as ``with conn.transaction()``
                        yield _PostgresTransaction(conn)
                    return

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """A read is idempotent, so one whose connection broke under it is retried once, on a fresh connection."""
        with _unavailable_on_failure():
            for attempt in (1, 2):
                with self.pool.connection(self.wait) as conn:  # a broken connection is discarded when it goes back
                    try:
                        return _PostgresTransaction(conn).query(sql, params)
                    except psycopg.OperationalError:
                        if attempt == 2 or not (conn.broken or conn.closed):
                            raise
                        purge_if_broken(self.pool, conn)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.owns_pool:
            self.pool.close()
