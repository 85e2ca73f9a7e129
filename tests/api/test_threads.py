"""Issue 35: an API process of ``serve --workers N`` runs as many commands at once as it has PostgreSQL connections
(``create_app(threads=...)``, given the pool's size by infra/asgi.py); without it, asyncio's default executor."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from tests.world import UNIVERSITY

SECRET = "test-secret-" + "x" * 32
OPERATOR = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
RESERVE = 'mutation { reserveNina(input: {universityCode: "001002", nim: "nobody"}) { __typename } }'


def _command_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("api_")}


def test_commands_run_on_the_given_number_of_threads(container: Container) -> None:
    before = _command_threads()
    with TestClient(create_app(container.services, threads=3)) as http:
        answer = http.post("/graphql", json={"query": RESERVE}, headers={"Authorization": f"Bearer {OPERATOR}"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["reserveNina"]["__typename"] == "NotFound"  # the command ran, in a thread
        started = _command_threads() - before
        assert started and len(started) <= 3
