"""Events a projection could not apply: recorded, skipped, and shown, so no read model stops on one event.

An event is skipped only after it failed twice, in two transactions, with an error of the event itself
(bad data, a limit of the database, a bug in a handler). Errors of the connection or of the server's state
are :func:`transient`: the batch is retried later and nothing is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.unavailable import Unavailable
from projections.store import ReadStore, Transaction

DDL = (
    "CREATE TABLE IF NOT EXISTS projection_failures ("
    " projection TEXT NOT NULL, application TEXT NOT NULL, position BIGINT NOT NULL, topic TEXT NOT NULL,"
    " error TEXT NOT NULL, failed_at TEXT NOT NULL, PRIMARY KEY (projection, application, position))"
)

MAX_ERROR_CHARS = 300
MAX_TOPIC_CHARS = 200
# SQLSTATE classes of the connection or the server's state, never of one event's data: connection (08),
# rollback/deadlock (40), resources (53), lock not available (55), cancelled/shutdown (57), I/O (58),
# internal (XX). Class 54 (a limit, e.g. "index row size exceeds") is psycopg's OperationalError but is
# the event's fault, so the class name alone cannot decide.
_TRANSIENT_SQLSTATE_CLASSES = {"08", "40", "53", "55", "57", "58", "XX"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


@dataclass(frozen=True)
class Failure:
    projection: str
    position: int
    topic: str
    error: str
    failed_at: str


def transient(error: BaseException) -> bool:
    """True when retrying later may succeed: such an error must never make an event be skipped."""
    if isinstance(error, Unavailable):  # the store's own word that the database could not answer
        return True
    sqlstate = getattr(error, "sqlstate", None)  # psycopg's server errors carry one
    if isinstance(sqlstate, str) and sqlstate:
        return sqlstate[:2] in _TRANSIENT_SQLSTATE_CLASSES
    if isinstance(error, (ConnectionError, TimeoutError, MemoryError)):
        return True
    # Without a SQLSTATE (sqlite3, or psycopg losing its connection): by the DB-API class. Duck-typed so
    # this layer imports no driver; sqlite3's "database is locked" and "disk I/O error" are OperationalError.
    names = {cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"OperationalError", "InterfaceError"})


def describe(error: BaseException) -> str:
    """The error's type and first message line, without control characters or NUL, and bounded.

    Only the primary message is kept: PostgreSQL's DETAIL can quote a whole row, and ``/health`` is public.
    """
    diag = getattr(error, "diag", None)
    message = getattr(diag, "message_primary", None) or (str(error).splitlines() or [""])[0]
    sqlstate = getattr(error, "sqlstate", None)
    kind = type(error).__name__ + (f" [{sqlstate}]" if sqlstate else "")
    return bounded(f"{kind}: {message}", MAX_ERROR_CHARS)


def bounded(text: str, limit: int) -> str:
    clean = _CONTROL.sub(" ", text).strip()
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def create_table(store: ReadStore) -> None:
    with store.transaction() as tx:
        tx.execute(DDL)


def record(
    tx: Transaction, projection: str, application: str, position: int, topic: str, error: str, when: str
) -> None:
    topic = bounded(topic, MAX_TOPIC_CHARS)
    tx.execute(
        "INSERT INTO projection_failures (projection, application, position, topic, error, failed_at)"
        " VALUES (:p, :a, :pos, :t, :e, :w) ON CONFLICT (projection, application, position)"
        " DO UPDATE SET topic = excluded.topic, error = excluded.error, failed_at = excluded.failed_at",
        {"p": projection, "a": application, "pos": position, "t": topic, "e": error, "w": when},
    )


def listing(store: ReadStore, projection: str, application: str, limit: int = 20) -> list[Failure]:
    """The latest ``limit`` failures of one projection, newest position first."""
    rows = store.query(
        "SELECT projection, position, topic, error, failed_at FROM projection_failures"
        " WHERE projection = :p AND application = :a ORDER BY position DESC LIMIT :n",
        {"p": projection, "a": application, "n": limit},
    )
    return [Failure(**{**row, "position": int(row["position"])}) for row in rows]


def count(store: ReadStore, projection: str, application: str) -> int:
    rows = store.query(
        "SELECT COUNT(*) AS n FROM projection_failures WHERE projection = :p AND application = :a",
        {"p": projection, "a": application},
    )
    return int(rows[0]["n"])


def clear(tx: Transaction, projection: str) -> None:
    tx.execute("DELETE FROM projection_failures WHERE projection = :p", {"p": projection})


def replace(tx: Transaction, projection: str, by: str) -> None:
    """A swapped-in rebuild brings its own failures: the old model's go with the old tables."""
    clear(tx, projection)
    tx.execute("UPDATE projection_failures SET projection = :p WHERE projection = :by", {"p": projection, "by": by})
