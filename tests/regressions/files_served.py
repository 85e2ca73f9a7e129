"""What issue 27's file regressions share: a real ``kredensial serve`` on the test's store, tokens it accepts, uploads
and GraphQL commands through it, and the answer a file nobody may read must give."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from api.auth import mint
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import REFUSALS
from tests.api.test_processes import KREDENSIAL
from tests.servers import free_port, process_env, served_process

UNKNOWN = "0" * 64


@contextmanager
def served(container: Container, **settings: str) -> Iterator[httpx.Client]:
    port = free_port()
    with (
        served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container, **settings), port) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        yield http


def token(container: Container, role: Role, subject: str, institution: str | None = None) -> str:
    return mint(container.settings.secret, subject=subject, role=role, institution=institution)


def upload(http: httpx.Client, bearer: str, data: bytes) -> httpx.Response:
    return http.post("/files", content=data, headers={"Authorization": f"Bearer {bearer}"})


def uploaded(http: httpx.Client, bearer: str, data: bytes) -> str:
    answer = upload(http, bearer, data)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["sha256"])


def command(
    http: httpx.Client, bearer: str, mutation: str, input_type: str, success: str = "", **given: Any
) -> dict[str, Any]:
    doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {success} {REFUSALS} }} }}"
    response = http.post(
        "/graphql", json={"query": doc, "variables": {"input": given}}, headers={"Authorization": f"Bearer {bearer}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"][mutation])


def download(http: httpx.Client, bearer: str, sha256: str) -> httpx.Response:
    return http.get(f"/files/{sha256}", headers={"Authorization": f"Bearer {bearer}"})


def readable(http: httpx.Client, bearer: str, sha256: str, data: bytes, within: float = 15) -> None:
    """Waits for the server's read models to name the file to ``bearer``, who then reads its bytes."""
    deadline = time.monotonic() + within
    while (answer := download(http, bearer, sha256)).status_code != 200:
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.1)
    assert answer.content == data


def stored(container: Container, sha256: str) -> bool:
    return (container.settings.files_dir / sha256[:2] / sha256).exists()


def gone(container: Container, sha256: str, within: float = 15) -> bool:
    """Whether the server's worker deletes the file's bytes within ``within`` seconds."""
    deadline = time.monotonic() + within
    while stored(container, sha256):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def hidden(http: httpx.Client, bearer: str, sha256: str) -> None:
    """A file ``bearer`` may not read answers exactly as a digest nobody uploaded."""
    unknown, got = download(http, bearer, UNKNOWN), download(http, bearer, sha256)
    assert (got.status_code, got.json()) == (unknown.status_code, unknown.json()) == (404, unknown.json())
