"""A connection's writes held to the end of an event-loop pass (issue 35; infra/coalesced_writes.py) must not keep
an answer from its client, nor hide a slow reader from uvicorn's flow control. Served by uvicorn in this process
with the protocol of ``kredensial serve`` and a small application of its own."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from infra.http_protocol import deadline_protocol
from tests.servers import free_port

CHUNK, CHUNKS = b"x" * 65536, 1024  # a 64 MiB answer
after_answer = threading.Event()
first_turn: list[int] = []


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    loop = asyncio.get_running_loop()
    if scope["path"] == "/then-busy":  # an answer, then work that does not yield until its client has the answer
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})
        after_answer.wait(timeout=10)
    elif scope["path"] == "/stream":  # sends that yield only when uvicorn's flow control makes them wait
        sent = 0
        loop.call_soon(lambda: first_turn.append(sent))  # runs at the loop's first turn after this one
        length = str(len(CHUNK) * CHUNKS).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", length)]})
        for _ in range(CHUNKS):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
            sent += 1
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, http=deadline_protocol(5, 5), loop="asyncio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise AssertionError("uvicorn did not start")
        threading.Event().wait(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def test_an_answer_is_sent_when_it_is_complete_not_when_its_application_next_yields(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(5)
        conn.sendall(b"GET /then-busy HTTP/1.1\r\nHost: k\r\n\r\n")
        try:
            said = conn.recv(65536)
        except TimeoutError:
            said = b""
        finally:
            after_answer.set()
    assert said.startswith(b"HTTP/1.1 200 ") and said.endswith(b"\r\n\r\nok"), said


def test_a_client_that_does_not_read_makes_a_long_answer_wait_for_it(port: int) -> None:
    """uvicorn pauses an answer's sends once the socket's buffer is full; writes held from the socket would let the
    application put all of its 64 MiB in memory first."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.settimeout(10)
        conn.sendall(b"GET /stream HTTP/1.1\r\nHost: k\r\nConnection: close\r\n\r\n")
        said = conn.recv(4096)  # the answer has begun; the client reads no more
        while not first_turn:
            threading.Event().wait(0.05)
    assert said.startswith(b"HTTP/1.1 200 "), said
    assert first_turn[0] < CHUNKS // 4, f"{first_turn[0]} of {CHUNKS} chunks sent before the first wait"
