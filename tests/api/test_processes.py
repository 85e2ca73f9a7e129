"""The real processes: ``serve`` answers GraphQL on a fresh data dir; ``worker`` projects from its own process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth import mint
from domain.audit import Role
from infra.bootstrap import bootstrap
from infra.settings import Settings
from projections import tracking
from tests.world import ADMIN

SECRET = "process-secret-" + "z" * 32
KREDENSIAL = [sys.executable, "-m", "infra.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "KREDENSIAL_DATA_DIR": str(data_dir),
        "KREDENSIAL_SECRET": SECRET,
        "KREDENSIAL_MASTER_KEY": "22" * 32,
        **extra,
    }


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [*KREDENSIAL, "serve", "--port", str(port)],
        env=env_for(tmp_path / "fresh"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # waiting for a server to listen, not for a projection
        try:
            httpx.get(url + "/health", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(process.stderr.read().decode() if process.stderr else "no serve") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_serve_on_a_fresh_data_dir_answers_graphql_and_reads_its_own_write(served: str) -> None:
    token = mint(SECRET, subject="admin", role=Role.MINISTRY_ADMIN, institution=None)
    registered = httpx.post(
        served + "/graphql",
        json={
            "query": 'mutation { registerUniversity(input: {code: "001002", name: "Universitas Contoh"}) '
            "{ __typename ... on Accepted { position } } }"
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert registered["data"]["registerUniversity"]["__typename"] == "Accepted"
    assert registered["data"]["registerUniversity"]["position"] == 1


def test_the_worker_command_projects_events_written_by_another_process(tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    settings = Settings.from_env(env_for(data_dir))
    writer = bootstrap(settings)
    worker = subprocess.Popen([*KREDENSIAL, "worker"], env=env_for(data_dir), stderr=subprocess.PIPE)
    try:
        receipt = writer.services.diplomas.register_university(code="001002", name="Universitas Contoh", cause=ADMIN)
        store = writer.worker.store
        tracking.wait(store, "sivil", "diplomas", receipt.position, timeout=60)
        assert store.query("SELECT name FROM sivil_universities")[0]["name"] == "Universitas Contoh"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        writer.close()
