"""Real server processes for tests: a free port, and ``kredensial serve`` started and waited for until it listens."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_process(command: Sequence[str], env: dict[str, str], port: int) -> Iterator[str]:
    """Runs ``command`` (a ``serve`` listening on ``port``) and yields its base URL once ``/health`` answers;
    the process is stopped on exit. Its stderr is shown if it dies or does not listen within a minute."""
    process = subprocess.Popen(list(command), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # waiting for the server to listen, not for a projection
            try:
                httpx.get(url + "/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read().decode() if process.stderr else "no serve") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
