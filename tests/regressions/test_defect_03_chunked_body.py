"""Defect 3: the 256 KiB body limit read only Content-Length, so a chunked body (749 KB, or 200 MB to
/sivil/graphql) was read whole into memory. The limit now counts the bytes received, whatever the headers say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from api.body_limit import BodyLimit
from api.http import MAX_BODY_BYTES, create_app
from infra.bootstrap import Container

CHUNK = b" " * 65536


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def chunks(total: int) -> Iterator[bytes]:
    """No Content-Length: the client sends Transfer-Encoding: chunked."""
    yield b'{"query": "{ __typename }", "pad": "'
    for _ in range(total // len(CHUNK)):
        yield CHUNK
    yield b'"}'


@pytest.mark.parametrize("path", ["/graphql", "/sivil/graphql", "/sivil"])
def test_a_chunked_body_over_the_limit_is_refused_with_413(http: TestClient, path: str) -> None:
    response = http.post(path, content=chunks(749_000), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/request-too-large"  # the form's own limit, for a program


def test_a_chunked_body_under_the_limit_is_answered(http: TestClient) -> None:
    response = http.post("/graphql", content=chunks(100_000), headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}


def test_a_content_length_that_understates_the_body_does_not_let_it_through() -> None:
    messages = [{"type": "http.request", "body": CHUNK, "more_body": True}] * 8
    status, pulled = run(BodyLimit(read_everything, max_bytes=MAX_BODY_BYTES), messages, content_length=10)
    assert status == 413 and pulled <= MAX_BODY_BYTES // len(CHUNK) + 1


def test_an_endless_body_is_stopped_at_the_limit_without_being_buffered() -> None:
    endless = ({"type": "http.request", "body": CHUNK, "more_body": True} for _ in iter(int, 1))
    status, pulled = run(BodyLimit(read_everything, max_bytes=MAX_BODY_BYTES), endless)
    assert status == 413
    assert pulled == MAX_BODY_BYTES // len(CHUNK) + 1  # one chunk past the limit, then no more is read


async def read_everything(scope: Any, receive: Any, send: Any) -> None:
    """An app that reads the whole body, as a JSON parser does."""
    body = await Request(scope, receive).body()
    await PlainTextResponse(f"read {len(body)} bytes")(scope, receive, send)


def run(app: Any, messages: Any, content_length: int | None = None) -> tuple[int, int]:
    pulled = 0
    source = iter(messages)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return next(source)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"content-length", str(content_length).encode())] if content_length is not None else []
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "query_string": b""}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], pulled
