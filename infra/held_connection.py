"""One connection for one command (issue 35): a command's reads and its write draw it once, not once each.

A checkout from the pool and its return cost about 30 µs of CPU, and a reservation made three. Inside
``one_connection`` (``Service.retrying``), the first checkout of a ``CommandPool`` on this thread draws a connection
and keeps it; the later ones of that pool are lent the same; it goes back when the command ends, or before it waits
(for its turn, before a rerun). A thread still holds no more connections at once than before: a checkout while the
held one is lent (a read store's transaction around an event store's call) draws another, as it always did, and so
does one of another pool (the standby's) or from another thread. A connection that broke goes back at once (the pool
replaces it), so the retry of the statement that met it draws a fresh one. A command waiting for the group commit's
leader to write its events gives its connection back first (``GroupCommit.insert``'s ``before_waiting``): the
leader may need one when the pool's others are all held by waiting members.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, suppress
from contextvars import ContextVar
from typing import Any

from psycopg import Connection
from psycopg.pq import ConnStatus, TransactionStatus
from psycopg_pool import ConnectionPool

_IDLE = TransactionStatus.IDLE
_BAD = ConnStatus.BAD


class _Held:
    """The connection one command run holds, once it has drawn one."""

    __slots__ = ("conn", "lent", "pool", "thread")

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.pool: CommandPool | None = None
        self.conn: Connection[Any] | None = None
        self.lent = False

    def give_back(self) -> None:
        """Back to the pool (the command is about to wait, or is over); the next checkout takes one again. Not while
        lent: the body that holds it is still using it."""
        if self.lent:
            return
        conn, pool = self.conn, self.pool
        self.conn = self.pool = None
        if conn is not None and pool is not None:
            pool.putconn(conn)  # the pool rolls back what was left open, and replaces a broken connection


_held: ContextVar[_Held | None] = ContextVar("held_connection", default=None)


def one_connection() -> _Scope:
    """The body's checkouts of a ``CommandPool`` share one connection, given back when the body ends. A scope
    inside another (a command run inside another's) is the outer one."""
    return _Scope()


class _Scope:
    """``one_connection``'s: a class, not a generator, so that entering and leaving it are plain calls (every command
    opens one, issue 35)."""

    __slots__ = ("_held", "_token")

    def __enter__(self) -> _Held:
        outer = _held.get()
        if outer is not None and outer.thread == threading.get_ident():
            self._token = None
            self._held = outer
            return outer
        held = self._held = _Held()
        self._token = _held.set(held)
        return held

    def __exit__(self, *_: object) -> None:
        if self._token is not None:
            _held.reset(self._token)
            self._held.give_back()


class CommandPool(ConnectionPool[Any]):
    """psycopg_pool's pool, lending a command run's held connection inside ``one_connection``."""

    def connection(self, timeout: float | None = None) -> AbstractContextManager[Any]:  # type: ignore[override]
        held = _held.get()
        if (
            held is None
            or held.lent
            or (held.pool is not None and held.pool is not self)
            or held.thread != threading.get_ident()
        ):
            return super().connection(timeout)
        return _Lent(self, held, timeout)


class _Lent:
    """A checkout inside ``one_connection``: the held connection, drawn at the first. A class, not a generator (a
    command makes two, issue 35)."""

    __slots__ = ("_conn", "_held", "_pool", "_timeout")

    def __init__(self, pool: CommandPool, held: _Held, timeout: float | None) -> None:
        self._pool, self._held, self._timeout = pool, held, timeout

    def __enter__(self) -> Connection[Any]:
        held = self._held
        if held.conn is None:
            held.conn, held.pool = self._pool.getconn(self._timeout), self._pool
        self._conn = conn = held.conn
        held.lent = True
        return conn

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        conn = self._conn
        pgconn = conn.pgconn  # its statuses read here, as ``conn.closed`` (and ``broken``, closed uncleanly) read them
        try:
            if pgconn.status != _BAD and pgconn.transaction_status != _IDLE:
                if kind is None:
                    _commit(conn)  # as leaving ``with pool.connection()`` would (autocommit: mostly nothing is open)
                else:
                    with suppress(Exception):  # as psycopg does: the error that got here is the one to raise
                        conn.rollback()
        finally:
            self._held.lent = False
            if pgconn.status == _BAD or pgconn.transaction_status != _IDLE:  # closed, broken, or still in a transaction
                self._held.give_back()  # broken, even if the body caught the error: the next checkout draws a fresh one


def _commit(conn: Connection[Any]) -> None:
    try:
        conn.commit()
    except BaseException:
        if _in_transaction(conn):
            with suppress(Exception):  # the commit's error is the one to raise
                conn.rollback()
        raise


def _in_transaction(conn: Connection[Any]) -> bool:
    return not conn.closed and conn.pgconn.transaction_status != _IDLE
