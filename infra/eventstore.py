"""The event store on PostgreSQL, on the process's one pool (issue 28).

The library builds a pool of its own for each application (five logs: five pools, each keeping connections open).
Here every application's datastore draws from the pool the composition root made for the process, so one setting
bounds what a process holds. Applications find it by a key in their environment, as the library reads everything
else it is told.
"""

from __future__ import annotations

import functools
import random
import re
import threading
import time
import weakref
from collections.abc import Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    Notification,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import Environment, retry
from psycopg import Connection, sql
from psycopg.postgres import types as pg_types
from psycopg.rows import DictRow, tuple_row
from psycopg.types.composite import register_composite
from psycopg_pool import ConnectionPool

from infra import raw_pq
from infra.database import purge_if_broken

POOL_KEY = "KREDENSIAL_SHARED_POOL"
# Rows one multi-row INSERT takes (four parameters each, far below PostgreSQL's 65,535); a larger save (a setup's
# or a bulk path's) goes the library's way, one array of composite values.
MAX_ROWS = 1000
COPY_FROM = 20  # snapshots written at once from which one binary COPY is cheaper than a multi-row INSERT
COLUMN_TYPES = ["uuid", "int8", "text", "bytea"]  # the library's events table, as binary COPY must name them
# Rows the prepared write takes (infra/raw_pq.py): a statement per number of rows is prepared on each connection,
# so their number is bounded; a larger save goes as text. A group commit of sixteen reservations is 64.
PREPARED_ROWS = 64
_INT8 = range(-(2**63), 2**63)
_ROW_TYPES = [pg_types[name].oid for name in COLUMN_TYPES]

_pools: weakref.WeakValueDictionary[str, ConnectionPool[Any]] = weakref.WeakValueDictionary()
_lock = threading.Lock()


def register_pool(pool: ConnectionPool[Any]) -> str:
    """Makes ``pool`` findable by the factories; returns the key to put in an application's environment."""
    key = f"pool-{id(pool)}"
    with _lock:
        _pools[key] = pool
    return key


# BOOT_RETRY: a process's pool opens no connection until one is needed, so the first is opened as the schema is
# created, and opening one on a loaded server can outlast the pool's wait (1 s, infra/database.py; seen once under
# CI's load). The library retries its reads and writes so, but not ``create_table``, which is safe to run again
# (tables IF NOT EXISTS, a type already there skipped): the recorders retry it as the library retries the rest.

# The library's translation of the driver's errors (PostgresDatastore.get_connection), most specific first.
_TRANSLATED = (
    (psycopg.InterfaceError, InterfaceError),
    (psycopg.OperationalError, OperationalError),
    (psycopg.DataError, DataError),
    (psycopg.IntegrityError, IntegrityError),
    (psycopg.InternalError, InternalError),
    (psycopg.ProgrammingError, ProgrammingError),
    (psycopg.NotSupportedError, NotSupportedError),
    (psycopg.DatabaseError, DatabaseError),
    (psycopg.Error, PersistenceError),
)


class _SharedPoolDatastore(PostgresDatastore):
    def get_connection(self) -> _Checkout:  # type: ignore[override]  # a context manager, as the library's
        """The library's, as one context manager (not a generator inside a generator), and without its ``pool.open``
        on each checkout (the process's pool is opened when it is made, infra/database.py; a closed one refuses the
        checkout, as its reopening would): a command's reads and its write each take one (issue 35). A connection that
        broke in use has its idle siblings tested before the library's retry draws the next (connections used recently
        are not checked on checkout: infra/database.py)."""
        return _Checkout(self)

    def close(self) -> None:
        """Not the datastore's to close (the library closes it on ``Application.close`` and on garbage collection)."""


class _Checkout:
    """``_SharedPoolDatastore.get_connection``: the pool's checkout, the library's composite types registered on the
    connection, a broken connection's siblings tested on the way out, and psycopg's errors translated to the
    library's, as the library's generator does (errors raised in the body or by the pool alike)."""

    __slots__ = ("_conn", "_datastore", "_pooled")

    def __init__(self, datastore: _SharedPoolDatastore) -> None:
        self._datastore = datastore

    def __enter__(self) -> Connection[DictRow]:
        datastore = self._datastore
        pooled = self._pooled = datastore.pool.connection()
        try:
            conn: Connection[DictRow] = pooled.__enter__()
        except psycopg.Error as e:
            raise _translated(e) from e
        try:
            for info in datastore.psycopg_type_adapters.values():  # as the library: the types its recorder registered
                if not conn.adapters.types.get(info.oid):
                    register_composite(info, conn)
        except BaseException as e:
            self._leave(pooled, e)
            raise  # _leave raised unless the pool's block swallowed it, which it never does
        self._conn = conn
        return conn

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> bool:
        if error is None:
            try:
                self._pooled.__exit__(None, None, None)
            except psycopg.Error as e:
                raise _translated(e) from e
            return False
        try:
            purge_if_broken(self._datastore.pool, self._conn)
        except BaseException as raised:  # as the generator: what the purge raised leaves the pool's block instead
            self._leave(self._pooled, raised)
            raise
        return self._leave(self._pooled, error)

    @staticmethod
    def _leave(pooled: AbstractContextManager[Any], error: BaseException) -> bool:
        """The pool's block left with ``error`` raised in it; then ``error`` (or what leaving raised instead) goes on,
        translated when it is psycopg's."""
        try:
            if pooled.__exit__(type(error), error, error.__traceback__):
                return True
        except psycopg.Error as e:
            raise _translated(e) from e
        if isinstance(error, psycopg.Error):
            raise _translated(error) from error
        return False


def _translated(error: psycopg.Error) -> PersistenceError:
    return next(ours for theirs, ours in _TRANSLATED if isinstance(error, theirs))(str(error))


def _as_bytes(statement: object) -> bytes:
    if isinstance(statement, bytes):
        return statement
    if isinstance(statement, str):
        return statement.encode()
    raise TypeError(f"a lock statement the library has not used before: {statement!r}")


# What a topic may hold to be written as a literal (the library's topics are module paths and class names); any
# other goes as a parameter. No quote, backslash or other character that could end or escape a literal.
_SAFE_TOPIC = re.compile(r"[A-Za-z0-9_.:]{1,500}")
_TEXT_TAIL = b" RETURNING notification_id;COMMIT"


@functools.lru_cache(maxsize=1024)  # the topics of the events classes: a handful, each written again and again
def _safe_topic(topic: str) -> bool:
    return _SAFE_TOPIC.fullmatch(topic) is not None


@functools.lru_cache(maxsize=1024)
def _topic_bytes(topic: str) -> bytes | None:
    return topic.encode("ascii") if _safe_topic(topic) else None


def _binary_rows(stored_events: Sequence[StoredEvent]) -> list[bytes] | None:
    """The rows as the binary parameters of the prepared write, or None when a value is not one ``_literal_rows``
    renders (those go the ways they always went), or an int is beyond bigint (the server refuses it there)."""
    params: list[bytes] = []
    for e in stored_events:
        oid, version, topic, state = e.originator_id, e.originator_version, e.topic, e.state
        if (
            type(oid) is not UUID
            or type(version) is not int
            or version not in _INT8
            or type(topic) is not str
            or (topic_bytes := _topic_bytes(topic)) is None
            or not isinstance(state, bytes | bytearray | memoryview)
        ):
            return None
        # ``oid.bytes`` is a property of UUID's written in Python: its int's bytes, taken here without the call
        params += (oid.int.to_bytes(16, "big"), version.to_bytes(8, "big", signed=True), topic_bytes, bytes(state))
    return params


def _literal_rows(stored_events: Sequence[StoredEvent]) -> bytes | None:
    """The rows of a VALUES list as SQL literals, or None when a value cannot be rendered safely. Every character
    comes from a fixed alphabet: a UUID's hex and dashes, an int's digits, a topic that ``_SAFE_TOPIC`` matched, a
    bytea's hex (PostgreSQL reads ``'\\x..'`` as hex only under standard_conforming_strings: the caller checks)."""
    rows = []
    for e in stored_events:
        oid, version, topic, state = e.originator_id, e.originator_version, e.topic, e.state
        if (
            type(oid) is not UUID  # exactly: a subclass could render itself otherwise
            or type(version) is not int
            or type(topic) is not str
            or not _safe_topic(topic)
            or not isinstance(state, bytes | bytearray | memoryview)
        ):
            return None
        rows.append(f"('{oid}',{version},'{topic}','\\x{bytes(state).hex()}')")
    return ",".join(rows).encode("ascii")


class InDoubtRecorder(PostgresApplicationRecorder):
    """The library's recorder, which also knows its own write after an in-doubt commit.

    When the connection breaks while COMMIT is on its way, the client cannot tell whether the transaction landed.
    The library retries the insert; if the first one had landed, the retry clashes with its own rows
    (``IntegrityError``), and the command would be rerun and refused as if someone else had won ("already
    reserved"). So after a broken attempt, a clash whose rows are byte for byte the ones this call sent (the state
    holds the event's time and request id, so no other command's events are equal) is the first attempt's commit:
    its notification ids are answered, as the commit would have.
    """

    attempts = 10  # as the library's own retry of insert_events
    wait = 0.2

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # see BOOT_RETRY
    def create_table(self) -> None:
        super().create_table()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inserts = ValuesInserts(returning=" RETURNING notification_id")
        self._head: list[bytes] | None = None
        self._text: bytes | None = None  # the text write's statements up to its VALUES
        self._bounds: tuple[list[raw_pq.Statement], raw_pq.Statement] | None = None  # BEGIN and locks, COMMIT
        self._prepared: dict[int, raw_pq.Statement] = {}  # the INSERT of n rows

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        in_doubt = False
        for attempt in range(1, self.attempts + 1):
            try:
                return self.insert_once(stored_events, **kwargs)
            except IntegrityError:
                landed = self.landed(stored_events) if in_doubt else None
                if landed is None:
                    raise
                return landed
            except (InterfaceError, OperationalError):
                if attempt == self.attempts:
                    raise
                in_doubt = True
                time.sleep(self.wait * (1 + 0.1 * (random.random() - 0.5)))  # jitter, as the library's
        raise AssertionError("unreachable")

    def insert_once(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert without its retry (this class retries), in one round trip: the transaction's BEGIN,
        its statements and its COMMIT are sent together (the library waits for the insert before it commits)."""
        if kwargs or self.datastore.enable_db_functions or not 0 < len(stored_events) <= MAX_ROWS:
            body = PostgresApplicationRecorder.insert_events.__wrapped__
            ids: Sequence[int] | None = body(self, stored_events, **kwargs)
            return ids
        uuids = self.datastore.originator_id_type == "uuid"
        with self.datastore.get_connection() as conn:
            if uuids and len(stored_events) <= PREPARED_ROWS and raw_pq.usable(conn):
                params = _binary_rows(stored_events)
                if params is not None:
                    return self._insert_prepared(conn, params, len(stored_events))
            values = _literal_rows(stored_events) if uuids else None
            if values is not None and conn.pgconn.parameter_status(b"standard_conforming_strings") == b"on":
                return self._insert_as_text(conn, values)
            return self._insert_pipelined(conn, stored_events)

    def _insert_as_text(self, conn: Connection[Any], values: bytes) -> list[int]:
        """The transaction as one simple query with the values as literals: psycopg's parameters, pipeline and
        five results cost twice the CPU of the text (issue 35). Only values ``_literal_rows`` could render
        safely come here; a failed statement leaves the rest of the text unrun and the transaction aborted."""
        with conn.cursor(row_factory=tuple_row) as cursor:
            try:
                cursor.execute(self._text_head(conn) + values + _TEXT_TAIL, prepare=False)
                while cursor.description is None:  # BEGIN, SET, LOCK: the INSERT's rows are the first
                    if not cursor.nextset():
                        raise AssertionError("the INSERT answered no rows")
                return [row[0] for row in cursor.fetchall()]
            except BaseException:
                if not conn.broken:
                    conn.rollback()  # the transaction the error left open (autocommit: a no-op when none is)
                raise

    def _insert_prepared(self, conn: Connection[Any], params: list[bytes], count: int) -> list[int]:
        """The transaction in one round trip of prepared statements, past psycopg's cursor (infra/raw_pq.py), the
        rows as binary parameters: a third less CPU here than the text, and a fifth less in PostgreSQL, which parsed
        and planned the text's INSERT each time (issue 35). A failed statement leaves the rest unrun and the
        transaction aborted, as the text did."""
        head, commit = self._bounds or self._bound_statements(conn)
        insert = self._prepared.get(count) or self._insert_statement(conn, count)
        commands: list[tuple[raw_pq.Statement, raw_pq.Params | None]] = [(s, None) for s in head]
        commands += ((insert, params), (commit, None))
        try:
            results = raw_pq.pipeline(conn, commands, binary=True)
        except BaseException:
            if not conn.closed:
                conn.rollback()  # the transaction the error left open (autocommit: a no-op when none is)
            raise
        return [row[0] for row in raw_pq.rows(conn, results[len(head)])]

    def _bound_statements(self, conn: Connection[Any]) -> tuple[list[raw_pq.Statement], raw_pq.Statement]:
        head = [raw_pq.Statement(s) for s in [b"BEGIN", *self._lock_statements(conn)]]
        self._bounds = head, raw_pq.Statement(b"COMMIT")
        return self._bounds

    def _insert_statement(self, conn: Connection[Any], count: int) -> raw_pq.Statement:
        rows = b",".join(b"($%d,$%d,$%d,$%d)" % (n + 1, n + 2, n + 3, n + 4) for n in range(0, 4 * count, 4))
        statement = raw_pq.Statement(
            self._insert_into(conn) + rows + b" RETURNING notification_id", _ROW_TYPES * count, binary=True
        )
        self._prepared[count] = statement
        return statement

    def _text_head(self, conn: Connection[Any]) -> bytes:
        if self._text is None:
            self._text = b"BEGIN;" + b"".join(s + b";" for s in self._lock_statements(conn)) + self._insert_into(conn)
        return self._text

    def _insert_pipelined(self, conn: Connection[Any], stored_events: Sequence[StoredEvent]) -> list[int]:
        failed: BaseException | None = None
        with conn.pipeline() as pipeline, conn.cursor() as cursor, conn.cursor() as bounds:
            try:
                bounds.execute(b"BEGIN", prepare=True)
                self._insert_stored_events(cursor, stored_events)
                bounds.execute(b"COMMIT", prepare=True)
                pipeline.sync()
                rows = cursor.fetchall()
            except BaseException as e:  # raised after the pipeline is left, as the library does (no warning)
                failed = e
        if failed is not None:
            if not conn.broken:
                conn.rollback()  # the transaction the error left open (autocommit: a no-op when none is)
            raise failed
        return [row["notification_id"] for row in rows]

    def _insert_stored_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """The library's (the lock that orders positions, then the rows), with the rows as plain
        parameters of one multi-row INSERT rather than an array of composite values built in Python, and the
        statements rendered once (psycopg renders a composed statement on each call)."""
        if len(stored_events) > MAX_ROWS:  # the library's own: one array parameter, however many rows
            super()._insert_stored_events(curs, stored_events, **kwargs)
            return
        conn = curs.connection
        for statement in self._lock_statements(conn):
            curs.execute(statement, prepare=True)
        statement = self._inserts.statement(conn, len(stored_events), self.datastore.schema, self.events_table_name)
        curs.execute(statement, row_parameters(stored_events), prepare=True)

    def _lock_statements(self, conn: Connection[Any]) -> list[bytes]:
        """The library's lock that orders positions, rendered once. No NOTIFY: nothing here LISTENs (the worker
        polls, projections/worker.py), and a NOTIFY takes a lock at commit that every notifying transaction of the
        database waits for."""
        if self._head is None:
            head = self.lock_table_statements
            self._head = [s.as_bytes(conn) if isinstance(s, sql.Composable) else _as_bytes(s) for s in head]
        return self._head

    def _insert_into(self, conn: Connection[Any]) -> bytes:
        return (
            sql.SQL("INSERT INTO {}.{} (originator_id, originator_version, topic, state) VALUES ")
            .format(sql.Identifier(self.datastore.schema), sql.Identifier(self.events_table_name))
            .as_bytes(conn)
        )

    def landed(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The notification ids of ``stored_events`` if every one is stored exactly as sent; else None."""
        ids = []
        with self.datastore.get_connection() as conn:
            for event in stored_events:
                row = conn.execute(
                    sql.SQL(
                        "SELECT notification_id, topic, state FROM {}.{}"
                        " WHERE originator_id = %s AND originator_version = %s"
                    ).format(sql.Identifier(self.datastore.schema), sql.Identifier(self.events_table_name)),
                    (event.originator_id, event.originator_version),
                ).fetchone()
                if row is None or row["topic"] != event.topic or bytes(row["state"]) != bytes(event.state):
                    return None
                ids.append(int(row["notification_id"]))
        return ids

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """The library's; a read from a position on (the projection worker's, the audit chain's) as tuples: a
        catch-up reads 2,000 rows a batch, and a dictionary built for each was a tenth of its time (issue 35); and in
        binary, so that a state comes as its bytes, not as hex twice their size that the server encodes and the
        client decodes (1.6 against 1.0 us of the server's CPU per row, 3.2 against 2.1 of the client's)."""
        if start is None or stop is not None or topics or not inclusive_of_start:
            return super().select_notifications(start, limit, stop, topics, inclusive_of_start=inclusive_of_start)
        return self._notifications_from(start, limit)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's select
    def _notifications_from(self, start: int, limit: int) -> list[Notification]:
        statement = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
            " WHERE notification_id>=%s ORDER BY notification_id LIMIT %s"
        ).format(sql.Identifier(self.datastore.schema), sql.Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (start, limit), prepare=True, binary=True)
            return [
                Notification(id=i, originator_id=o, originator_version=v, topic=t, state=bytes(state))
                for i, o, v, t, state in curs.fetchall()
            ]


class ValuesInserts:
    """One table's multi-row INSERT of stored events with the rows as plain parameters, rendered once per number of
    rows (psycopg renders a composed statement on each call)."""

    def __init__(self, returning: str = "") -> None:
        self._returning = sql.SQL(returning)
        self._by_count: dict[int, bytes] = {}

    def statement(self, conn: Connection[Any], count: int, schema: str, table: str) -> bytes:
        statement = self._by_count.get(count)
        if statement is None:
            statement = (
                sql.SQL("INSERT INTO {}.{} (originator_id, originator_version, topic, state) VALUES {}{}")
                .format(
                    sql.Identifier(schema),
                    sql.Identifier(table),
                    sql.SQL(", ").join([sql.SQL("(%s, %s, %s, %s)")] * count),
                    self._returning,
                )
                .as_bytes(conn)
            )
            self._by_count[count] = statement
        return statement


def row_parameters(stored_events: Sequence[StoredEvent]) -> list[Any]:
    params: list[Any] = []
    for e in stored_events:
        params += (e.originator_id, e.originator_version, e.topic, e.state)
    return params


class SnapshotRecorder(PostgresAggregateRecorder):
    """The library's recorder of snapshots, writing its rows as plain parameters of one multi-row INSERT rendered
    once, rather than an array of composite values built in Python: a NINA sequence is snapshotted every twentieth
    reservation, and psycopg's composite array dumper cost more than the rest of that write (issue 35). Many at once
    (an import's chunk snapshots its students) go as one binary COPY in the same transaction: the states' bytes as they
    are, and no statement of as many rows to render and prepare (a third less of the snapshots' cost to an import)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inserts = ValuesInserts()
        self._copy: bytes | None = None

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # see BOOT_RETRY
    def create_table(self) -> None:
        super().create_table()

    def _insert_stored_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        if len(stored_events) >= COPY_FROM:
            if self._copy is None:
                self._copy = (
                    sql.SQL("COPY {}.{} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)")
                    .format(sql.Identifier(self.datastore.schema), sql.Identifier(self.events_table_name))
                    .as_bytes(curs.connection)
                )
            with curs.copy(self._copy) as copy:
                copy.set_types(COLUMN_TYPES)
                for e in stored_events:
                    copy.write_row((e.originator_id, e.originator_version, e.topic, e.state))
            return
        if len(stored_events) > MAX_ROWS:  # the library's own: one array parameter, however many rows
            super()._insert_stored_events(curs, stored_events, **kwargs)
            return
        statement = self._inserts.statement(
            curs.connection, len(stored_events), self.datastore.schema, self.events_table_name
        )
        curs.execute(statement, row_parameters(stored_events), prepare=True)


class SharedPoolFactory(PostgresFactory):
    """The library's PostgreSQL factory, with its datastore's pool replaced by the process's, and recorders that
    know their own in-doubt commits."""

    application_recorder_class = InDoubtRecorder
    aggregate_recorder_class = SnapshotRecorder

    def __init__(self, env: Environment) -> None:
        super().__init__(env)  # builds a pool that is never opened, so it holds no connection
        key = env.get(POOL_KEY)
        with _lock:
            pool = _pools.get(key or "")
        if pool is None:
            raise RuntimeError(f"no shared connection pool registered as {key!r}")
        self.datastore.__class__ = _SharedPoolDatastore
        self.datastore.pool = pool  # type: ignore[assignment]  # the library's subclass only adds get_password_func

    def close(self) -> None:
        """The pool is the process's: the composition root closes it once, after every application."""
