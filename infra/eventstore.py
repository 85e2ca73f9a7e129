"""The event store on PostgreSQL, on the process's one pool (issue 28).

The library builds a pool of its own for each application (five logs: five pools, each keeping connections open).
Here every application's datastore draws from the pool the composition root made for the process, so one setting
bounds what a process holds. Applications find it by a key in their environment, as the library reads everything
else it is told.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment
from psycopg import Connection
from psycopg.rows import DictRow
from psycopg_pool import ConnectionPool

from infra.database import purge_if_broken

POOL_KEY = "KREDENSIAL_SHARED_POOL"

_pools: weakref.WeakValueDictionary[str, ConnectionPool[Any]] = weakref.WeakValueDictionary()
_lock = threading.Lock()


def register_pool(pool: ConnectionPool[Any]) -> str:
    """Makes ``pool`` findable by the factories; returns the key to put in an application's environment."""
    key = f"pool-{id(pool)}"
    with _lock:
        _pools[key] = pool
    return key


class _SharedPoolDatastore(PostgresDatastore):
    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        """The library's, and a connection that broke in use has its idle siblings tested before the library's
        retry draws the next (connections used recently are not checked on checkout: infra/database.py)."""
        with super().get_connection() as conn:
            try:
                yield conn
            except BaseException:
                purge_if_broken(self.pool, conn)
                raise

    def close(self) -> None:
        """Not the datastore's to close (the library closes it on ``Application.close`` and on garbage collection)."""


class SharedPoolFactory(PostgresFactory):
    """The library's PostgreSQL factory, with its datastore's pool replaced by the process's."""

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
