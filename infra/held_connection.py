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
from collections.abc import Iterator
from contextlib import _GeneratorContextManager, contextmanager, suppress
from contextvars import ContextVar
from typing import Any

from psycopg import Connection
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

_IDLE = TransactionStatus.IDLE


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


@contextmanager
def one_connection() -> Iterator[_Held]:
    """The body's checkouts of a ``CommandPool`` share one connection, given back when the body ends. A scope
    inside another (a command run inside another's) is the outer one."""
    outer = _held.get()
    if outer is not None and outer.thread == threading.get_ident():
        yield outer
        return
    held = _Held()
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)
        held.give_back()


class CommandPool(ConnectionPool[Any]):
    """psycopg_pool's pool, lending a command run's held connection inside ``one_connection``."""

    def connection(self, timeout: float | None = None) -> _GeneratorContextManager[Any]:
        held = _held.get()
        if (
            held is None
            or held.lent
            or (held.pool is not None and held.pool is not self)
            or held.thread != threading.get_ident()
        ):
            return super().connection(timeout)
        return self._lend(held, timeout)

    @contextmanager
    def _lend(self, held: _Held, timeout: float | None) -> Iterator[Connection[Any]]:
        if held.conn is None:
            held.conn, held.pool = self.getconn(timeout), self
        conn = held.conn
        held.lent = True
        try:
            yield conn
            if _in_transaction(conn):
                conn.commit()  # as leaving ``with pool.connection()`` would (autocommit: mostly nothing is open)
        except BaseException:
            if _in_transaction(conn):
                with suppress(Exception):  # as psycopg does: the error that got here is the one to raise
                    conn.rollback()
            raise
        finally:
            held.lent = False
            if conn.closed or conn.broken or _in_transaction(conn):
                held.give_back()  # broken, even if the body caught the error: the next checkout draws a fresh one


def _in_transaction(conn: Connection[Any]) -> bool:
    return not conn.closed and conn.pgconn.transaction_status != _IDLE
