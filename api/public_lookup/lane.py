"""Threads of their own for the public look-up doors (issue 27).

A public look-up asks the rate limit's store (Redis, when several processes share one) and the challenge ledger;
when that store hangs, the look-ups waiting on it must not hold the threads that staff requests and health checks
need. The lane is bounded: beyond its threads, look-ups wait their turn on the event loop, holding no thread.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
THREADS = 16  # a look-up takes milliseconds: 16 threads serve well over a thousand a second


class PublicLane:
    def __init__(self, threads: int = THREADS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="public-lookup")

    async def run(self, fn: Callable[[], T]) -> T:
        """``fn`` in a thread of the lane, with the caller's context variables (as ``asyncio.to_thread``)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._pool, context.run, fn)
