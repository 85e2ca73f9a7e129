"""Issue 35's fast paths keep their promises at the edges a review found: a connection left to another process is
still taken, whatever the loop's pace; counts and slots survive a failed protocol and a fork; one result that cannot
be handed back strands no other; a value class that writes its instances after they are made is checked each time;
and the day is known at the ends of the calendar."""

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


def test_a_connection_left_to_another_process_is_taken_even_when_the_loop_turns_slower_than_wait(
    own_tmp: Path,
) -> None:
    took = _serve_busy(30, 1)  # each turn 30 ms, WAIT 20 ms
    assert took is not None, "never accepted in 2 s: deferred again on every turn"


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


def test_a_forked_child_leaves_its_parents_slot_and_file(own_tmp: Path) -> None:
    env = {**os.environ, "TMPDIR": str(own_tmp), "PYTHONPATH": str(Path(__file__).parents[2])}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.split() == ["True", "True"]


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


def test_a_value_class_with_a_once_worked_out_property_is_checked_each_time() -> None:
    """``record._once`` writes the instance's __dict__ on first read, as functools.cached_property does: a class with
    one is never remembered as passed (infra/typed_state.py ``_kept``), and its value with the attribute added fails."""
    import typing
    from dataclasses import dataclass

    from domain.registry import record
    from infra import typed_state

    @dataclass(frozen=True)
    class Summed:
        total: int

        @record._once
        def doubled(self) -> int:
            return self.total * 2

    Summed.__module__ = "domain.registry.values"  # as if it were one of ours
    hints = typing.get_type_hints(Summed)
    codecs = {"total": typed_state._codec(hints["total"], frozenset())}
    assert not typed_state._kept(Summed, codecs)
    codec = typed_state._codec(Summed, frozenset())
    assert codec is not None and not codec.immutable
    value = Summed(2)
    assert codec.check(value)
    assert value.doubled == 4 and not codec.check(value)


@pytest.mark.parametrize("now", [datetime(9999, 12, 31, 10, tzinfo=UTC), datetime(1, 1, 1, 1, tzinfo=UTC)])
def test_today_answers_at_the_ends_of_the_calendar_as_before(now: datetime) -> None:
    from application import service

    app = object.__new__(service.Service)
    app._day = service._NO_DAY
    app.clock = lambda: now
    assert app.today() == now.astimezone(service.JAKARTA).date()


def test_a_once_worked_out_property_read_on_its_class_is_the_descriptor() -> None:
    """As functools.cached_property: introspection (documentation, typed_state's look at the class) sees it."""
    import functools

    from domain.registry.record import AcademicRecord

    assert isinstance(AcademicRecord._summary, functools.cached_property)


def test_left_over_files_of_other_addresses_are_swept_and_live_or_recent_ones_kept(own_tmp: Path) -> None:
    """Tests and benchmarks serve on a new port each time, and killed servers leave their file: a server's start
    removes this user's files untouched for LEFT_OVER_AFTER whose processes are all gone, and no other."""
    uid = os.getuid()
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = accepting._SLOT.pack(gone.pid, 1, 3).ljust(accepting.SLOTS * accepting._SLOT.size, b"\0")
    live = accepting._SLOT.pack(os.getpid(), accepting._started(os.getpid()) or 0, 1).ljust(len(dead), b"\0")
    old = time.time() - 2 * accepting.LEFT_OVER_AFTER
    files = {name: own_tmp / f"kredensial-accepting-{uid}-{name}" for name in ("left", "live", "recent", "empty")}
    for name, content in (("left", dead), ("live", live), ("recent", dead), ("empty", b"")):
        files[name].write_bytes(content)
        if name != "recent":
            os.utime(files[name], (old, old))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        shares = accepting.shares_of(sock)
        assert shares is not None
        try:
            assert not files["left"].exists() and not files["empty"].exists()
            assert files["live"].exists() and files["recent"].exists()
            assert shares._path.exists()
        finally:
            shares.close()
