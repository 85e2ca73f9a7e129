"""The real processes: ``serve`` answers GraphQL on a fresh data dir; ``worker`` projects from its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth import mint
from domain.audit import Role
from infra.bootstrap import bootstrap
from infra.settings import Settings
from projections import tracking
from tests.servers import free_port, served_process
from tests.world import ADMIN

SECRET = "process-secret-" + "z" * 32
KREDENSIAL = [sys.executable, "-m", "infra.main"]


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
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env_for(tmp_path / "fresh"), port) as url:
        yield url


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
        receipt = writer.services.diploma.commands.register_university(
            code="001002", name="Universitas Contoh", cause=ADMIN
        )
        store = writer.worker.store
        tracking.wait(store, "sivil", "diplomas", receipt.position, timeout=60)
        assert store.query("SELECT name FROM sivil_universities")[0]["name"] == "Universitas Contoh"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        writer.close()
