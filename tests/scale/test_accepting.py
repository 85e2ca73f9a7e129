"""Issue 35: the API processes of ``serve --workers N`` share out a burst of connections (infra/accepting.py).

Two event loops listen on one socket, as uvicorn's processes do; 16 clients connect at once before either loop turns.
asyncio's own loop takes every waiting connection in its first turn, so the first process served all 16; a
:class:`TakingTurns` loop takes one a turn, and the two loops turning in alternation end with eight each. Every
connection is still accepted, and the listen queue keeps its length.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from infra.accepting import TakingTurns

CLIENTS = 16


class Counted(asyncio.Protocol):
    def __init__(self, count: list[int]) -> None:
        self.count = count

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.count[0] += 1


def _turn(loop: asyncio.AbstractEventLoop) -> None:
    """One turn of the loop (asyncio's idiom: a stop scheduled before it runs ends it after one iteration)."""
    loop.call_soon(loop.stop)
    loop.run_forever()


def _accepted_by_two(make_loop: Callable[[], asyncio.AbstractEventLoop]) -> tuple[int, int]:
    listening = socket.create_server(("127.0.0.1", 0), backlog=64)
    port = listening.getsockname()[1]
    loops = [make_loop(), make_loop()]
    counts = [[0], [0]]
    servers = [
        loop.run_until_complete(loop.create_server(lambda c=c: Counted(c), sock=listening.dup(), backlog=64))  # type: ignore[misc]
        for loop, c in zip(loops, counts, strict=True)
    ]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(CLIENTS)]
    try:
        for _ in range(4 * CLIENTS):  # the two processes turning in alternation
            for loop in loops:
                _turn(loop)
            if counts[0][0] + counts[1][0] == CLIENTS:
                break
        return counts[0][0], counts[1][0]
    finally:
        for client in clients:
            client.close()
        for loop, server in zip(loops, servers, strict=True):
            server.close()
            loop.run_until_complete(server.wait_closed())
            loop.close()
        listening.close()


def test_asyncio_alone_gives_a_burst_to_the_first_process() -> None:
    assert _accepted_by_two(asyncio.SelectorEventLoop) == (CLIENTS, 0)


def test_taking_turns_shares_a_burst_and_accepts_every_connection() -> None:
    first, second = _accepted_by_two(TakingTurns)
    assert first + second == CLIENTS
    assert abs(first - second) <= 2


def test_the_listen_queue_keeps_its_length() -> None:
    loop = TakingTurns()
    listening = socket.create_server(("127.0.0.1", 0), backlog=8)
    try:
        server = loop.run_until_complete(loop.create_server(asyncio.Protocol, sock=listening, backlog=128))
        port = listening.getsockname()[1]
        # More than one turn's worth wait in the queue: none is refused while the loop does not turn.
        clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(50)]
        for client in clients:
            client.close()
        server.close()
        loop.run_until_complete(server.wait_closed())
    finally:
        loop.close()
