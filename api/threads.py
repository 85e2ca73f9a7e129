"""The threads an API process runs GraphQL's synchronous work on (commands, reads), and the hop to them.

A resolver's hop (:meth:`Threads.run`) does what ``asyncio.to_thread`` does, for less (issue 35): the function runs
in one of a fixed set of threads, in a copy of the caller's context variables, and hands its result straight to the
awaiting task through ``call_soon_threadsafe``. ``asyncio.to_thread`` went through the loop's ThreadPoolExecutor,
whose concurrent future (a condition, its callbacks, a semaphore to decide whether to start a thread) was chained to
an asyncio future: together a twentieth of the API's own instructions per request.

The rest of the API's synchronous work (files, documents, signing in with an issuer) still takes
``asyncio.to_thread``, on the loop's default executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
Work = Callable[[], None]


class Threads:
    def __init__(self, count: int | None = None) -> None:
        """``count``: how many at once; by default as many as asyncio's executor has (the cores plus four, at most
        32). Given, the loop's default executor gets as many (for the API's other synchronous work)."""
        self.count = count
        self._size = count or min(32, (os.cpu_count() or 1) + 4)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._work: queue.SimpleQueue[Work | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Starts the threads for the running loop (an app's lifespan); :meth:`stop` ends them."""
        loop = asyncio.get_running_loop()
        if self.count:  # asyncio.run shuts the default executor down when the loop ends
            loop.set_default_executor(ThreadPoolExecutor(self.count, thread_name_prefix="api"))
        self._loop = loop
        for n in range(self._size):
            thread = threading.Thread(target=self._serve, name=f"api_graphql_{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Lets each thread finish what it was given, and waits for them (the requests are answered by now)."""
        self._loop = None
        for _ in self._threads:
            self._work.put(None)
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    async def run(self, fn: Callable[[], T]) -> T:
        """``fn()`` in one of the threads, as ``asyncio.to_thread(fn)`` runs it."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # not started on this loop (an app without its lifespan)
            return await asyncio.to_thread(fn)
        future: asyncio.Future[T] = loop.create_future()
        context = contextvars.copy_context()

        def work() -> None:
            try:
                result = context.run(fn)
            except BaseException as e:  # as the executor's future would carry it
                _settle(loop, _failed, future, e)
            else:
                _settle(loop, _done, future, result)

        self._work.put(work)
        return await future

    def _serve(self) -> None:
        while (work := self._work.get()) is not None:
            work()


def _settle(loop: asyncio.AbstractEventLoop, how: Callable[..., None], future: Any, value: Any) -> None:
    # As asyncio's chained futures: a loop gone (even just now) has no one waiting.
    with contextlib.suppress(RuntimeError):
        if not loop.is_closed():
            loop.call_soon_threadsafe(how, future, value)


def _done(future: asyncio.Future[Any], result: Any) -> None:
    if not future.cancelled():  # the awaiting task was cancelled: the result has no one to go to
        future.set_result(result)


def _failed(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.cancelled():
        future.set_exception(error)
