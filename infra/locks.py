"""One holder at a time, across processes: a rebuild per read model, the outbox's sender (issue 27).

Each lock is tried, never waited for: ``held(name)`` yields whether this process has it. A process that dies
releases what it held: PostgreSQL drops a session's advisory locks with its connection, and the kernel drops a
dead process's ``flock`` (SQLite installations live on one machine, under one data directory).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg_pool import ConnectionPool

from projections.worker import Exclusive


def _key(name: str) -> int:
    """A stable 64-bit advisory lock key for the name (Python's ``hash`` differs between processes)."""
    return int.from_bytes(hashlib.sha256(f"kredensial:{name}".encode()).digest()[:8], "big", signed=True)


def postgres_locks(pool: ConnectionPool[Any]) -> Exclusive:
    """Advisory locks on a connection of the process's pool (issue 28: a budget, not a connection a second): held
    for the body and unlocked before the connection goes back, so the next to draw it holds nothing. A connection
    that broke meanwhile took the lock with it, and the pool discards it."""

    @contextmanager
    def held(name: str) -> Iterator[bool]:
        with pool.connection() as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s) AS held", (_key(name),)).fetchone()
            got = bool(row and row["held"])
            try:
                yield got
            finally:
                if got and not conn.closed:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (_key(name),))

    return held


def file_locks(directory: Path) -> Exclusive:
    @contextmanager
    def held(name: str) -> Iterator[bool]:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:  # flock is per open file, so two threads of one process exclude each other too
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # and with it the lock

    return held
