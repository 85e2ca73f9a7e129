"""Prepared statements sent through libpq itself (psycopg's ``pgconn``), past psycopg's cursor (issue 35).

A NINA reservation's read and its write are one prepared statement each; psycopg's cursor (its query conversion,
its transformer, its cache of prepared statements, its result sets) cost more CPU around each than the rest of
the round trip. Here the statements are prepared under names of our own and their parameters go as bytes; the rows
are loaded by psycopg's own loaders (the values the cursor gives); a failed statement raises the exception psycopg
builds from the server's answer (``psycopg.errors.error_from_result``, as its cursor does); a connection that breaks
fails inside psycopg's own wait, as under the cursor (``conn.broken`` then says so).

psycopg knows nothing of these statements, so which a session holds is kept here, per connection. A
``DEALLOCATE ALL`` drops them (psycopg sends one when it rolls back a connection holding prepared statements of its
own), and so does ``DISCARD ALL``: the statement that then meets "does not exist" (26000) is prepared again and run
once more.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import Connection, abc, pq
from psycopg.abc import PQGen
from psycopg.adapt import Transformer
from psycopg.errors import error_from_result
from psycopg.generators import execute, fetch_many, send
from psycopg.pq.abc import PGconn, PGresult
from psycopg.rows import tuple_row

Params = Sequence[bytes | None]

_OK = pq.ConnStatus.OK
_IDLE = pq.TransactionStatus.IDLE
_PIPELINE_OFF = pq.PipelineStatus.OFF
_FATAL = pq.ExecStatus.FATAL_ERROR
_COMMAND_OK = pq.ExecStatus.COMMAND_OK
_SYNC = pq.ExecStatus.PIPELINE_SYNC
_SUCCEEDED = (pq.ExecStatus.TUPLES_OK, _COMMAND_OK)
_BINARY = pq.Format.BINARY
_TEXT = pq.Format.TEXT
_GONE = b"26000"  # invalid_sql_statement_name: not prepared in this session (any more)
_THERE = b"42P05"  # duplicate_prepared_statement: prepared already
_SQLSTATE = pq.DiagnosticField.SQLSTATE

_TRANSFORMER = "_kred_transformer"  # the attribute of a connection ``_loaded`` keeps its transformer in

# Per connection, the names of the statements it has prepared (a connection is one session for its whole life).
_prepared: weakref.WeakKeyDictionary[Connection[Any], set[bytes]] = weakref.WeakKeyDictionary()


class Statement:
    """A statement with ``$n`` parameters, prepared on each connection under a name derived from its text."""

    __slots__ = ("formats", "name", "text", "types")

    def __init__(self, text: bytes, types: Sequence[int] = (), *, binary: bool = False) -> None:
        self.text = text
        self.types = list(types) or None  # parameter type oids; None: the server infers them
        self.formats = [_BINARY] * len(types) if binary else None  # None: parameters as text
        digest = hashlib.blake2b(text + repr(types).encode(), digest_size=10).hexdigest()
        self.name = f"kred_{digest}".encode()  # not psycopg's ``_pg3_*``


def usable(conn: Connection[Any]) -> bool:
    """Whether a statement can go past psycopg here: in autocommit and idle (psycopg would begin a transaction
    first otherwise), and not in psycopg's pipeline."""
    pgconn = conn.pgconn
    return conn.autocommit and pgconn.transaction_status == _IDLE and pgconn.pipeline_status == _PIPELINE_OFF


def query(
    conn: Connection[Any], statement: Statement, params: Params, *, binary: bool = False
) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` run alone, as a cursor's ``fetchall`` with tuple rows gives them (``binary``: the
    server sends them in binary, as a cursor's ``execute(..., binary=True)`` asks)."""
    pgconn = conn.pgconn
    with conn.lock:
        for attempt in (1, 2):
            _check(pgconn)
            names = _names(conn)
            if statement.name not in names:
                pgconn.send_prepare(statement.name, statement.text, statement.types)
                (prepared,) = conn.wait(execute(pgconn))
                if prepared.status != _COMMAND_OK and _sqlstate(prepared) != _THERE:
                    raise _error(conn, prepared)
                names.add(statement.name)
            pgconn.send_query_prepared(
                statement.name, params, statement.formats, result_format=_BINARY if binary else _TEXT
            )
            (result,) = conn.wait(execute(pgconn))
            if result.status in _SUCCEEDED:
                return _loaded(conn, result)
            if attempt == 1 and _sqlstate(result) == _GONE:
                names.clear()  # dropped together (DEALLOCATE ALL, DISCARD ALL): prepared again as they are met
                continue
            raise _error(conn, result)
    raise AssertionError("unreachable")


def pipeline(
    conn: Connection[Any], commands: Sequence[tuple[Statement, Params | None]], *, binary: bool = False
) -> list[PGresult]:
    """Each command's result, the commands sent together in one round trip (libpq's pipeline mode, one sync), each
    statement the session lacks prepared just before its first command (so inside a transaction the commands
    began, after the statements before it: an INSERT's preparation takes its table's lock after a LOCK TABLE and its
    lock_timeout, as the INSERT's text would). On an error the server answers, a transaction the commands began is
    rolled back, then the first error is raised; an interrupt while waiting (psycopg cancels the query) leaves that
    transaction failed, for the caller to roll back."""
    for attempt in (1, 2):
        with conn.lock:
            prepared, results = _run(conn, commands, binary)
            failed = next((r for r in results if r.status not in _SUCCEEDED), None)  # then "aborted" for the rest
            if failed is None:
                return [r for r in results if r not in prepared] if prepared else results
            if conn.pgconn.transaction_status != _IDLE:
                _rollback(conn)  # not psycopg's: it would deallocate every statement of the session
        state = _sqlstate(failed)
        if attempt == 1 and state == _GONE:  # dropped together (DEALLOCATE ALL, DISCARD ALL), but those prepared now
            names = _names(conn)
            names.clear()
            names.update(s.name for r, s in prepared.items() if r.status == _COMMAND_OK)
        elif attempt == 1 and state == _THERE:  # names forgotten here that the session holds: it says which
            _recall(conn)
        else:
            raise _error(conn, failed)
    raise AssertionError("unreachable")


def _run(
    conn: Connection[Any], commands: Sequence[tuple[Statement, Params | None]], binary: bool
) -> tuple[dict[PGresult, Statement], list[PGresult]]:
    """Every result in order, and which of them are preparations (of which statement)."""
    pgconn = conn.pgconn
    _check(pgconn)
    names = _names(conn)
    preparing: list[Statement | None] = []  # per result to come: the statement prepared, or None for a command
    queued: set[bytes] = set()
    fmt = _BINARY if binary else _TEXT
    pgconn.enter_pipeline_mode()
    try:
        for s, params in commands:
            if s.name not in names and s.name not in queued:
                pgconn.send_prepare(s.name, s.text, s.types)
                preparing.append(s)
                queued.add(s.name)
            pgconn.send_query_prepared(s.name, params, s.formats if params else None, result_format=fmt)
            preparing.append(None)
        pgconn.pipeline_sync()
        results = conn.wait(_communicate(pgconn))
    finally:
        _leave_pipeline(conn)
    if not queued and len(results) == len(preparing):  # every statement prepared already (a connection in use)
        return {}, results
    prepared = {r: s for r, s in zip(results, preparing, strict=True) if s is not None}
    names.update(s.name for r, s in prepared.items() if r.status == _COMMAND_OK)
    return prepared, results


def _communicate(pgconn: PGconn) -> PQGen[list[PGresult]]:
    """The pipeline's results up to its sync: one per command (an error's, then "aborted" for those after)."""
    yield from send(pgconn)
    results: list[PGresult] = []
    while True:
        got = yield from fetch_many(pgconn)
        if not got:
            raise psycopg.InterfaceError("the pipeline answered nothing")
        if got[0].status == _SYNC:
            return results
        results += got


def _leave_pipeline(conn: Connection[Any]) -> None:
    """Out of pipeline mode. One whose results were left unread (an interrupt while waiting) is in a state psycopg
    cannot know: it is closed, and the pool replaces it. A broken one stays as it is (the pool replaces it too)."""
    pgconn = conn.pgconn
    try:
        pgconn.exit_pipeline_mode()
    except psycopg.Error:
        if pgconn.status == _OK:
            conn.close()


def rows(conn: Connection[Any], result: PGresult) -> list[tuple[Any, ...]]:
    """A result's rows loaded as psycopg's cursor loads them (the connection's loaders), as tuples."""
    tx = Transformer(conn)
    tx.set_pgresult(result)
    return tx.load_rows(0, result.ntuples, tuple)


def _loaded(conn: Connection[Any], result: PGresult) -> list[tuple[Any, ...]]:
    """``rows``, by the connection's own transformer, made at its first result and kept (as a cursor keeps its own
    across its queries): each result's columns then find their loaders in its cache, where a new transformer asks the
    connection's adapters for each (a fifth of a command's read, issue 35). Kept on the connection, not in a map by
    the connection, since it refers to the connection: the collector frees the two together. Called under the
    connection's lock, as one transformer serves one result at a time."""
    tx: abc.Transformer | None = getattr(conn, _TRANSFORMER, None)
    if tx is None:
        tx = Transformer(conn)
        setattr(conn, _TRANSFORMER, tx)
    tx.set_pgresult(result)
    try:
        return tx.load_rows(0, result.ntuples, tuple)
    finally:
        tx.set_pgresult(None)  # the result is not kept with the connection after its rows are made (its loaders are)


def _rollback(conn: Connection[Any]) -> None:
    pgconn = conn.pgconn
    pgconn.send_query(b"ROLLBACK")
    for result in conn.wait(execute(pgconn)):
        if result.status not in _SUCCEEDED:
            raise _error(conn, result)


def _recall(conn: Connection[Any]) -> None:
    with conn.cursor(row_factory=tuple_row) as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'kred\\_%'")
        _names(conn).update(name.encode() for (name,) in cursor.fetchall())


def _names(conn: Connection[Any]) -> set[bytes]:
    names = _prepared.get(conn)
    if names is None:
        names = _prepared[conn] = set()
    return names


def _check(pgconn: PGconn) -> None:
    if pgconn.status != _OK:  # as psycopg's cursor refuses a closed or broken connection
        raise psycopg.OperationalError("the connection is closed")


def _sqlstate(result: PGresult) -> bytes | None:
    return result.error_field(_SQLSTATE)


def _error(conn: Connection[Any], result: PGresult) -> psycopg.Error:
    if result.status != _FATAL:  # a status no command of ours should answer (a protocol out of step): as the cursor
        return psycopg.InternalError(f"unexpected result status from query: {pq.ExecStatus(result.status).name}")
    return error_from_result(result, encoding=conn.info.encoding)
