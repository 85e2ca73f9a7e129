"""Separate ``kredensial`` processes on a test's own store, and the read models as data to compare (issue 14)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from infra.bootstrap import Container

KREDENSIAL = [sys.executable, "-m", "infra.main"]


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*KREDENSIAL, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def worker_process(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker(env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def progress(container: Container) -> tuple[int, int]:
    """Events projected and events to project, summed over every read model and every log it follows."""
    statuses = container.worker.status()
    return sum(s.position for s in statuses), sum(s.head for s in statuses)


def wait_until_projected(container: Container, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        done, total = progress(container)
        if done == total:
            return
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-3000:] if process.stderr else "worker died")
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker projected {done} of {total} events in {seconds} s")
        time.sleep(0.1)


def read_models(container: Container) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every projection's tables, rows sorted: two builds of the same log compare equal."""
    worker = container.worker
    return {
        name: {
            table: sorted((dict(row) for row in worker.store.query(f"SELECT * FROM {table}")), key=repr)
            for table in projection.tables
        }
        for name, projection in worker.projections.items()
    }


def rebuilt(container: Container) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every read model rebuilt from the log from scratch, in this process: the clean build to compare with."""
    for name in container.worker.projections:
        container.worker.rebuild(name)
    return read_models(container)
