"""Raw baselines: what the database itself does for the same work, with no application in between.

SQLite is opened as the event store opens it (WAL, the default synchronous=FULL), PostgreSQL on the same
server with the same fsync; each baseline writes rows of the size an event has (about 300 bytes).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import psycopg

from benchmarks.stores import Place

PAYLOAD = b"x" * 300


def one_row_transactions(place: Place, count: int) -> float:
    """Rows per second, each INSERT committed in a transaction of its own (what one command is, at best)."""
    run = _sqlite if place.store == "sqlite" else _postgres

    def work(insert: Callable[[list[tuple[int, bytes]]], None], commit: Callable[[], None]) -> None:
        for i in range(count):
            insert([(i, PAYLOAD)])
            commit()

    return run(place, work, count)


def concurrent_one_row_transactions(place: Place, count: int, callers: int) -> float:
    """Rows per second when ``callers`` threads, each on a connection of its own, commit 1-row transactions at once
    (``count`` in all): what concurrent commands are at best, the database grouping their flushes itself."""
    if place.store == "sqlite":
        path = place.directory / "raw-concurrent.sqlite3"
        with closing(sqlite3.connect(path, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS raw_rows (id INTEGER PRIMARY KEY, payload BLOB)")

        def caller(ids: range) -> None:
            with closing(sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)) as db:
                ready.wait()
                for i in ids:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("INSERT INTO raw_rows VALUES (?, ?)", (i, PAYLOAD))
                    db.execute("COMMIT")
    else:
        with psycopg.connect(place.database_url, autocommit=True) as setup:
            setup.execute("CREATE TABLE IF NOT EXISTS raw_concurrent (id BIGINT PRIMARY KEY, payload BYTEA)")

        def caller(ids: range) -> None:
            with psycopg.connect(place.database_url) as conn:
                ready.wait()
                for i in ids:
                    conn.execute("INSERT INTO raw_concurrent VALUES (%s, %s)", (i, PAYLOAD))
                    conn.commit()

    ready = threading.Barrier(callers + 1, timeout=60)  # connected, all of them: only the transactions are timed
    with ThreadPoolExecutor(callers) as pool:
        done = [pool.submit(caller, range(c, count, callers)) for c in range(callers)]
        ready.wait()
        start = time.perf_counter()
        for future in done:
            future.result()
        return count / (time.perf_counter() - start)


def batched_inserts(place: Place, count: int, batch: int = 1000) -> float:
    """Rows per second with ``executemany`` of ``batch`` rows per transaction (what a bulk import is, at best)."""
    run = _sqlite if place.store == "sqlite" else _postgres

    def work(insert: Callable[[list[tuple[int, bytes]]], None], commit: Callable[[], None]) -> None:
        for start in range(0, count, batch):
            insert([(i, PAYLOAD) for i in range(start, min(start + batch, count))])
            commit()

    return run(place, work, count)


def select_rows(place: Place, rows: int, repeats: int) -> float:
    """Seconds (median) to SELECT ``rows`` rows of one originator in order: reading an aggregate's events raw."""
    timings = []
    if place.store == "sqlite":
        with closing(sqlite3.connect(place.directory / "raw-select.sqlite3")) as db:
            db.execute("CREATE TABLE IF NOT EXISTS e (o INTEGER, v INTEGER, s BLOB, PRIMARY KEY (o, v))")
            db.executemany("INSERT INTO e VALUES (1, ?, ?)", [(v, PAYLOAD) for v in range(rows)])
            db.commit()
            for _ in range(repeats):
                start = time.perf_counter()
                db.execute("SELECT v, s FROM e WHERE o = 1 ORDER BY v").fetchall()
                timings.append(time.perf_counter() - start)
    else:
        with psycopg.connect(place.database_url) as db:
            db.execute("CREATE TABLE IF NOT EXISTS raw_select (o INTEGER, v INTEGER, s BYTEA, PRIMARY KEY (o, v))")
            with db.cursor() as cur:
                cur.executemany("INSERT INTO raw_select VALUES (1, %s, %s)", [(v, PAYLOAD) for v in range(rows)])
            db.commit()
            for _ in range(repeats):
                start = time.perf_counter()
                db.execute("SELECT v, s FROM raw_select WHERE o = 1 ORDER BY v").fetchall()
                timings.append(time.perf_counter() - start)
    timings.sort()
    return timings[len(timings) // 2]


Work = Callable[[Callable[[list[tuple[int, bytes]]], None], Callable[[], None]], object]


def _sqlite(place: Place, work: Work, count: int) -> float:
    with closing(sqlite3.connect(place.directory / "raw.sqlite3", isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS raw_rows (id INTEGER PRIMARY KEY, payload BLOB)")
        db.execute("DELETE FROM raw_rows")
        state = {"open": False}

        def insert(rows: list[tuple[int, bytes]]) -> None:
            if not state["open"]:
                db.execute("BEGIN")
                state["open"] = True
            db.executemany("INSERT INTO raw_rows VALUES (?, ?)", rows)

        def commit() -> None:
            db.execute("COMMIT")
            state["open"] = False

        start = time.perf_counter()
        work(insert, commit)
        return count / (time.perf_counter() - start)


def _postgres(place: Place, work: Work, count: int) -> float:
    with psycopg.connect(place.database_url) as db:
        db.execute("CREATE TABLE IF NOT EXISTS raw_rows (id BIGINT PRIMARY KEY, payload BYTEA)")
        db.execute("TRUNCATE raw_rows")
        db.commit()

        def insert(rows: list[tuple[int, bytes]]) -> None:
            with db.cursor() as cur:
                cur.executemany("INSERT INTO raw_rows VALUES (%s, %s)", rows)

        start = time.perf_counter()
        work(insert, db.commit)
        return count / (time.perf_counter() - start)


def copy_events(place: Place, batch: int = 500) -> float:
    """Events per second to SELECT the application's log and INSERT a row per event, ``batch`` per transaction:
    what a read model's catch-up is at best (no decoding, no logic)."""
    if place.store == "sqlite":
        events = place.directory / "var" / "events.sqlite3"
        with closing(sqlite3.connect(place.directory / "var" / "read.sqlite3", isolation_level=None)) as db:
            db.execute(f"ATTACH DATABASE '{events}' AS log")
            db.execute("CREATE TABLE IF NOT EXISTS raw_copy (id INTEGER PRIMARY KEY, topic TEXT, size INTEGER)")
            start = time.perf_counter()
            rows = db.execute("SELECT rowid, topic, length(state) FROM log.stored_events ORDER BY rowid").fetchall()
            for part in range(0, len(rows), batch):
                db.execute("BEGIN")
                db.executemany("INSERT INTO raw_copy VALUES (?, ?, ?)", rows[part : part + batch])
                db.execute("COMMIT")
            return len(rows) / (time.perf_counter() - start)
    with psycopg.connect(place.database_url) as db:
        db.execute("CREATE TABLE IF NOT EXISTS raw_copy (id BIGINT PRIMARY KEY, topic TEXT, size INTEGER)")
        db.commit()
        start = time.perf_counter()
        rows = db.execute(
            "SELECT notification_id, topic, length(state) FROM diplomas_events ORDER BY notification_id"
        ).fetchall()
        for part in range(0, len(rows), batch):
            with db.cursor() as cur:
                cur.executemany("INSERT INTO raw_copy VALUES (%s, %s, %s)", rows[part : part + batch])
            db.commit()
        return len(rows) / (time.perf_counter() - start)
