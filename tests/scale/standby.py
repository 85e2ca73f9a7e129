"""A PostgreSQL primary and a hot standby of our own, fed by streaming replication (issue 17), or one server alone
to restart (issue 14).

The shared server's ``pg_hba.conf`` has no replication entry, so the test makes both clusters itself: ``initdb``
into a temporary folder as the ``postgres`` user, a replication line, ``pg_ctl`` on a free port, then
``pg_basebackup -R -X stream`` for the standby on another. Both are stopped and removed at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.servers import free_port


@dataclass(frozen=True)
class Pair:
    primary: str  # connection URLs of the database ``kredensial`` on each
    standby: str


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(*command: str, check: bool = True) -> None:
    """PostgreSQL's server refuses to run as root: as root, the commands run as ``postgres``."""
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, *command], check=check, capture_output=True, timeout=120)


@contextmanager
def primary_and_standby() -> Iterator[Pair]:
    bin_dir = _binaries()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup) are not installed")
    root = Path(tempfile.mkdtemp(prefix="kredensial-replication-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary_dir, standby_dir = root / "primary", root / "standby"
    primary_port, standby_port = free_port(), free_port()
    started: list[Path] = []
    try:
        _as_postgres(str(bin_dir / "initdb"), "-D", str(primary_dir), "-U", "postgres", "--auth=trust")
        with (primary_dir / "postgresql.conf").open("a") as conf:
            # Several processes, each with a pool per log and per read store: more than the default 100 connections.
            conf.write(f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n")
            conf.write("max_wal_senders = 4\nmax_connections = 500\n")
        with (primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        _start(bin_dir, primary_dir, primary_port, started)
        _as_postgres(
            str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
            "-D", str(standby_dir), "-R", "-X", "stream",
        )  # fmt: skip
        _start(bin_dir, standby_dir, standby_port, started)
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{primary_port}/postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE kredensial")
        standby = f"postgresql://postgres@127.0.0.1:{standby_port}/kredensial"
        _wait_for(standby)
        yield Pair(f"postgresql://postgres@127.0.0.1:{primary_port}/kredensial", standby)
    finally:
        for data_dir in reversed(started):
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def _start(bin_dir: Path, data_dir: Path, port: int, started: list[Path]) -> None:
    log = data_dir.parent / f"{data_dir.name}.log"
    _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", f"-p {port}", "-w", "start")
    started.append(data_dir)


def _wait_for(url: str, seconds: float = 30) -> None:
    """Until the standby has replayed the new database and accepts connections to it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2) as db:
                db.execute("SELECT 1")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass(frozen=True)
class Cluster:
    url: str  # of the database ``kredensial``
    restart: Callable[[float], None]  # stopped (-m fast: every session cut), down for some seconds, started again


@contextmanager
def own_cluster(max_connections: int = 300) -> Iterator[Cluster]:
    """One PostgreSQL server of the test's own (issue 14), so that restarting it disturbs no other test;
    ``max_connections``: 100 is PostgreSQL's default, what an install meets (issue 28)."""
    bin_dir = _binaries()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="kredensial-replication-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data_dir, port = root / "primary", free_port()
    started: list[Path] = []
    try:
        _as_postgres(str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust")
        with (data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n")
            conf.write(f"max_connections = {max_connections}\n")
        _start(bin_dir, data_dir, port, started)
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE kredensial")
        log = root / "primary.log"

        def restart(down: float) -> None:
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop")
            time.sleep(down)
            _as_postgres(
                str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", f"-p {port}", "-w", "start"
            )

        yield Cluster(f"postgresql://postgres@127.0.0.1:{port}/kredensial", restart)
    finally:
        for directory in started:
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(directory), "-m", "immediate", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)
