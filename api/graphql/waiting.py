"""Waiting for a read model to reach a position without holding a worker thread.

A query that passes ``position`` may wait seconds for the projections. Sleeping in a thread would hold one of
the few threads that commands also need (12 such waits once delayed an unrelated mutation by 5 to 9 s), so the
wait is a coroutine: it sleeps on the event loop and borrows a thread only to read the tracking position, and
concurrent waiters on one read model share that read. How many may wait at once is bounded too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class TooManyWaiting(Exception):
    """More queries are waiting for positions than allowed; the caller should retry shortly."""


class PositionWaiter:
    def __init__(
        self,
        read_position: Callable[[str, str], int],
        *,
        timeout: float,
        max_waiting: int = 100,
        max_pause: float = 0.05,
    ) -> None:
        self.read_position = read_position  # (read model, application) -> its position in that log; blocking
        self.timeout = timeout
        self.max_waiting = max_waiting
        self.max_pause = max_pause
        self.waiting = 0
        self._reads: dict[tuple[str, str], asyncio.Future[int]] = {}

    async def wait(self, projection: str, target: int | None, application: str) -> None:
        """Returns once ``projection`` has processed position ``target`` of ``application``'s log; raises
        TimeoutError past the timeout."""
        if target is None:
            return
        if self.waiting >= self.max_waiting:
            raise TooManyWaiting(f"{self.waiting} queries are already waiting for their positions; retry shortly")
        self.waiting += 1
        try:
            await self._until((projection, application), target)
        finally:
            self.waiting -= 1

    async def _until(self, projection: tuple[str, str], target: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        pause = 0.002
        while await self._position(projection) < target:
            remaining = deadline - loop.time()
            if remaining <= 0:
                name, application = projection
                raise TimeoutError(
                    f"read model {name} has not reached position {target} of {application} yet; retry shortly"
                )
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, self.max_pause)

    async def _position(self, projection: tuple[str, str]) -> int:
        """One read of a read model's position at a time, shared by everyone waiting on it."""
        read = self._reads.get(projection)
        if read is None or read.get_loop() is not asyncio.get_running_loop():
            read = asyncio.ensure_future(asyncio.to_thread(self.read_position, *projection))
            self._reads[projection] = read
            read.add_done_callback(lambda done: self._forget(projection, done))
        return await asyncio.shield(read)

    def _forget(self, projection: tuple[str, str], done: asyncio.Future[int]) -> None:
        if self._reads.get(projection) is done:
            del self._reads[projection]
