"""Review of issue 35's performance round: each test fails on integ where a finding says the behaviour changed or a
promise of the change does not hold (marked xfail strict until fixed)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infra import accepting


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the shares' files here, not in /tmp
    return tmp_path


def _serve_busy(busy_ms: float, held: int) -> float | None:
    """Seconds until a new connection is accepted by a TakingTurns loop whose turns take ``busy_ms`` and which holds
    ``held`` connections, while another live process (not accepting: draining, stopped) holds none; None: not in 2 s."""
    other = subprocess.Popen(["sleep", "30"])
    loop = accepting.TakingTurns()
    try:

        async def main() -> float | None:
            running = asyncio.get_running_loop()
            server = await running.create_server(asyncio.Protocol, "127.0.0.1", 0)
            shares = accepting._shares
            assert shares is not None
            slot = accepting._SLOT.pack(other.pid, accepting._started(other.pid), 0)
            os.pwrite(shares._fd, slot, ((shares._slot + 1) % accepting.SLOTS) * accepting._SLOT.size)
            accepting._open = held
            stop = False

            def busy() -> None:
                if not stop:
                    time.sleep(busy_ms / 1000)
                    running.call_soon(busy)

            running.call_soon(busy)
            began = time.monotonic()
            client = socket.create_connection(server.sockets[0].getsockname())
            took = None
            while time.monotonic() - began < 2:
                await asyncio.sleep(0)
                if accepting._open > held:
                    took = time.monotonic() - began
                    break
            stop = True
            client.close()
            server.close()
            return took

        return loop.run_until_complete(main())
    finally:
        loop.close()
        accepting._open = 0
        other.kill()
        other.wait()


def test_a_connection_left_to_another_process_is_taken_after_wait_when_the_loop_is_quick(own_tmp: Path) -> None:
    took = _serve_busy(0, 1)
    assert took is not None and took < 0.5


@pytest.mark.xfail(strict=True, reason="issue 35 review: WAIT is measured from _take_again; a turn > WAIT defers again")
def test_a_connection_left_to_another_process_is_taken_even_when_the_loop_turns_slower_than_wait(
    own_tmp: Path,
) -> None:
    took = _serve_busy(30, 1)  # each turn 30 ms, WAIT 20 ms
    assert took is not None, "never accepted in 2 s: deferred again on every turn"


@pytest.mark.xfail(strict=True, reason="issue 35 review: a protocol that cannot be made leaves its count")
def test_a_connection_whose_protocol_cannot_be_made_is_not_counted(own_tmp: Path) -> None:
    loop = accepting.TakingTurns()
    loop.set_exception_handler(lambda _loop, _context: None)

    def failing() -> asyncio.Protocol:
        raise RuntimeError("no protocol")

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(failing, "127.0.0.1", 0)
        client = socket.create_connection(server.sockets[0].getsockname())
        await asyncio.sleep(0.2)
        client.close()
        server.close()

    try:
        loop.run_until_complete(main())
        assert accepting._open == 0
    finally:
        loop.close()
        accepting._open = 0


CHILD = """
import asyncio, os, sys
from infra import accepting
loop = accepting.TakingTurns()
async def main():
    server = await asyncio.get_running_loop().create_server(asyncio.Protocol, "127.0.0.1", 0)
    shares = accepting._shares
    accepting._accepted()
    if os.fork() == 0:
        sys.exit(0)  # a child that ends normally (atexit runs)
    os.wait()
    pid = accepting._SLOT.unpack_from(os.pread(shares._fd, 24, shares._slot * 24))[0]
    print(pid == os.getpid(), shares._path.exists())
    server.close()
loop.run_until_complete(main())
loop.close()
"""


@pytest.mark.xfail(strict=True, reason="issue 35 review: a forked child's atexit closes its parent's Shares")
def test_a_forked_child_leaves_its_parents_slot_and_file(own_tmp: Path) -> None:
    env = {**os.environ, "TMPDIR": str(own_tmp), "PYTHONPATH": str(Path(__file__).parents[2])}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.split() == ["True", "True"]


@pytest.mark.xfail(strict=True, reason="issue 35 review: one result that cannot be settled loses the rest of its batch")
def test_a_result_that_cannot_be_settled_loses_no_other_result_that_came_back_with_it() -> None:
    from api.threads import Threads

    threads = Threads(4)
    ready = threading.Barrier(4)

    def answer(n: int) -> int:
        ready.wait(5)
        if n == 0:
            raise StopIteration  # asyncio's futures refuse it (a TypeError in the settling callback)
        return n

    async def run() -> int:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, _context: None)
        threads.start()
        try:
            tasks = [asyncio.ensure_future(threads.run(lambda n=n: answer(n))) for n in range(4)]
            _, pending = await asyncio.wait(tasks, timeout=3)
            for task in pending:
                task.cancel()
            return len(pending)
        finally:
            threads.stop()

    assert asyncio.run(run()) <= 1  # the StopIteration's own caller waits (as before); no other


@pytest.mark.xfail(strict=True, reason="issue 35 review: a kept value changed by object.__setattr__ passes again")
def test_a_kept_value_changed_after_its_check_is_checked_again() -> None:
    from domain.audit import Actor, Cause, Role
    from domain.credentials.slots import StatusSlots
    from infra import typed_state

    def state(cause: Cause) -> dict[str, object]:
        return {
            "kind": "k", "subject": "s", "ordinal": 1, "list_number": 1, "list_index": 1, "valid_from": "x",
            "cause": cause, "timestamp": datetime(2026, 1, 1),
        }  # fmt: skip

    fits = typed_state.plan(StatusSlots.Allocated).fits
    cause = Cause(Actor("u", next(iter(Role))), "r", None)
    assert fits(state(cause)) is True
    object.__setattr__(cause, "reason", 5)  # a str | None field holding an int
    assert fits(state(cause)) is False  # main: False (stored tagged by the fallback); integ: True


@pytest.mark.xfail(strict=True, reason="issue 35 review: today() works out the next midnight, past date.max")
@pytest.mark.parametrize("now", [datetime(9999, 12, 31, 10, tzinfo=UTC), datetime(1, 1, 1, 1, tzinfo=UTC)])
def test_today_answers_at_the_ends_of_the_calendar_as_before(now: datetime) -> None:
    from application import service

    app = object.__new__(service.Service)
    app._day = service._NO_DAY
    app.clock = lambda: now
    assert app.today() == now.astimezone(service.JAKARTA).date()
