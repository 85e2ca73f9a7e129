"""Real server processes for tests: a free port, and ``kredensial serve`` started and waited for until it listens."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from infra.bootstrap import Container


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_process(
    command: Sequence[str], env: dict[str, str], port: int, output: IO[bytes] | None = None
) -> Iterator[str]:
    """Runs ``command`` (a ``serve`` listening on ``port``) and yields its base URL once ``/health`` answers;
    the process is stopped on exit. Its stderr is shown if it dies or does not listen within a minute; with
    ``output``, a file, its stdout and stderr both go there instead (a test that reads the server's log)."""
    stdout, stderr = (output, output) if output else (subprocess.DEVNULL, subprocess.PIPE)
    process = subprocess.Popen(list(command), env=env, stdout=stdout, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # waiting for the server to listen, not for a projection
            try:
                httpx.get(url + "/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    # A server still running (not listening in time) is stopped first: reading its stderr before
                    # it exits would wait for ever.
                    process.terminate()
                    _, said = process.communicate(timeout=20)
                    if output:
                        said = Path(output.name).read_bytes()
                    raise AssertionError(said.decode() if said else "no serve") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def clean_env() -> dict[str, str]:
    """The environment of a verifier who never installed a server: no KREDENSIAL_* setting at all."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KREDENSIAL_")}


def process_env(container: Container, **extra: str) -> dict[str, str]:
    """The environment of a ``kredensial`` process on the same store and keys as ``container``; ``extra`` settings
    added or overriding."""
    settings = container.settings
    return {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(settings.data_dir),
        "KREDENSIAL_DATABASE_URL": settings.database_url,
        "KREDENSIAL_SECRET": settings.secret,
        "KREDENSIAL_MASTER_KEY": settings.master_key.hex(),
        "KREDENSIAL_SIVIL_SIGNING_KEYS": ",".join(seed.hex() for seed in settings.sivil_signing_seeds),
        "KREDENSIAL_PDF_SIGNING_KEY": str(settings.pdf_signing_key),
        "KREDENSIAL_PDF_SIGNING_CHAIN": str(settings.pdf_signing_chain),
        "KREDENSIAL_PUBLIC_URL": settings.public_url,
        "KREDENSIAL_ALLOW_DEV_TOKENS": "1" if settings.allow_dev_tokens else "0",
        **extra,
    }
