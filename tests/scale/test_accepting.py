"""Issue 35: the API processes of ``serve --workers N`` share out a burst of connections (infra/accepting.py).

Two event loops listen on one socket, as uvicorn's processes do; 16 clients connect at once before either loop turns.
asyncio's own loop takes every waiting connection in its first turn, so the first process served all 16; a
:class:`TakingTurns` loop takes one a turn, and the two loops turning in alternation end with eight each. Every
connection is still accepted, and the listen queue keeps its length. Processes that do not turn in alternation (two
cores, beside the clients) share by the counts they write: one holding more leaves a new connection to one holding
fewer.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from infra import accepting
from infra.accepting import Shares, TakingTurns

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


def test_the_processes_of_a_socket_read_each_others_connections_and_a_gone_ones_slot_is_taken_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shares"
    first, second = Shares(path), Shares(path)
    try:
        first.hold(3)
        second.hold(1)
        assert first.fewest_elsewhere() == 1 and second.fewest_elsewhere() == 3
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's: it takes a slot and ends without giving it up
            Shares(path).hold(0)
            os._exit(0)
        os.waitpid(child, 0)
        assert first.fewest_elsewhere() == 1  # the child's 0 counts no more: it is gone
        third = Shares(path)  # takes the gone child's slot
        third.hold(5)
        assert sorted(count for pid, _, count in Shares._read(os.open(path, os.O_RDONLY)) if pid) == [1, 3, 5]
        third.close()
    finally:
        first.close()
        second.close()
    assert not path.exists()  # the last to leave removes the file


def test_a_process_holding_more_connections_leaves_a_new_one_to_a_process_holding_fewer() -> None:
    # One process holds four connections; a second starts; twelve more clients connect: they end shared evenly,
    # whichever process the kernel wakes first (without the counts, the one woken first took all twelve).
    listening = socket.create_server(("127.0.0.1", 0), backlog=64)
    port = listening.getsockname()[1]
    clients: list[socket.socket] = []
    children, reports = [], []
    try:
        for n in range(2):
            reading, writing = os.pipe()
            child = os.fork()
            if child == 0:  # pragma: no cover - the children's
                _serve_and_report(listening, writing, seconds=1.5)
            os.close(writing)
            children.append(child)
            reports.append(reading)
            if n == 0:
                time.sleep(0.3)
                clients += [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
                time.sleep(0.3)  # the first has counted them before the second starts
        time.sleep(0.3)
        clients += [socket.create_connection(("127.0.0.1", port)) for _ in range(12)]
        held = []
        for child, reading in zip(children, reports, strict=True):
            os.waitpid(child, 0)
            held.append(int(os.read(reading, 16)))
            os.close(reading)
    finally:
        for client in clients:
            client.close()
        listening.close()
    assert sum(held) == 16 and abs(held[0] - held[1]) <= 2


def _serve_and_report(listening: socket.socket, report: int, seconds: float) -> None:
    loop = TakingTurns()
    server = loop.run_until_complete(loop.create_server(asyncio.Protocol, sock=listening, backlog=64))
    loop.call_later(seconds - 0.2, lambda: os.write(report, str(accepting._open).encode()))
    loop.call_later(seconds, loop.stop)
    loop.run_forever()
    server.close()
    os._exit(0)
