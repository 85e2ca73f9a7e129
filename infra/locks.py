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

import psycopg

from projections.worker import Exclusive


def _key(name: str) -> int:
    """A stable 64-bit advisory lock key for the name (Python's ``hash`` differs between processes)."""
    return int.from_bytes(hashlib.sha256(f"kredensial:{name}".encode()).digest()[:8], "big", signed=True)


def postgres_locks(url: str) -> Exclusive:
    @contextmanager
    def held(name: str) -> Iterator[bool]:
        # A connection of its own: a pooled one would hand the session's lock to whoever draws it next.
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (_key(name),)).fetchone()
            yield bool(row and row[0])  # closing the connection releases it

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
