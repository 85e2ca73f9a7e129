"""The threads an API process runs GraphQL's synchronous work on (commands, reads), and the hop to them.

A resolver's hop (:meth:`Threads.run`) does what ``asyncio.to_thread`` does, for less (issue 35): the function runs
in one of a fixed set of threads, in a copy of the caller's context variables, and hands its result straight to the
awaiting task through ``call_soon_threadsafe``. ``asyncio.to_thread`` went through the loop's ThreadPoolExecutor,
whose concurrent future (a condition, its callbacks, a semaphore to decide whether to start a thread) was chained to
an asyncio future: together a twentieth of the API's own instructions per request.

The same threads are the loop's default executor, so the rest of the API's synchronous work (files, documents,
signing in with an issuer: ``asyncio.to_thread``) shares them: a process runs as many jobs at once as it has threads,
and it is given as many threads as PostgreSQL connections (infra/asgi.py), so no job waits on the pool for one.

Results go back to the loop together (issue 35): ``call_soon_threadsafe`` wakes the loop by a byte written to its
socket pair, which the loop then reads back, three system calls, each giving up the GIL. The commands of a group
commit end at the same moment; the first result to come back schedules one callback that settles every result
queued by the time it runs, and those that come meanwhile wake no one.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
Work = Callable[[], None]


class Threads(ThreadPoolExecutor):
    """A ThreadPoolExecutor only in name, which asyncio requires of a default executor: ``submit`` and ``shutdown`` are
    this class's own, so the executor's own threads are never started."""

    def __init__(self, count: int | None = None) -> None:
        """``count``: how many at once; by default as many as asyncio's executor has (the cores plus four, at most
        32)."""
        self.count = count
        self._size = count or min(32, (os.cpu_count() or 1) + 4)
        super().__init__(self._size, thread_name_prefix="api")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._work: queue.SimpleQueue[Work | None] = queue.SimpleQueue()
        self._serving: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._results: list[tuple[Callable[..., None], asyncio.Future[Any], Any]] = []  # for the loop to settle
        self._woken = False  # a callback that settles ``_results`` is on its way to the loop

    def start(self) -> None:
        """Starts the threads for the running loop (an app's lifespan) and makes them its default executor;
        :meth:`stop` ends them."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._results, self._woken = [], False
        for n in range(self._size):
            thread = threading.Thread(target=self._serve, name=f"api_graphql_{n}", daemon=True)
            thread.start()
            self._serving.append(thread)
        loop.set_default_executor(self)

    def stop(self) -> None:
        """Lets each thread finish what it was given, and waits for them (the requests are answered by now)."""
        self._loop = None
        for _ in self._serving:
            self._work.put(None)
        for thread in self._serving:
            thread.join()
        self._serving.clear()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """The default executor's job (``loop.run_in_executor``, ``asyncio.to_thread``), on the same threads."""
        if self._loop is None:
            raise RuntimeError("cannot schedule new futures after shutdown")  # as ThreadPoolExecutor once shut down
        future: Future[T] = Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as e:  # as ThreadPoolExecutor's work item carries it
                future.set_exception(e)
            else:
                future.set_result(result)

        self._work.put(work)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """asyncio's shutdown of its default executor when the loop ends: the lifespan has stopped the threads by
        then; else they are stopped here."""
        if self._serving:
            self.stop()

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
                self._settle(loop, _failed, future, e)
            else:
                self._settle(loop, _done, future, result)

        self._work.put(work)
        return await future

    def _settle(self, loop: asyncio.AbstractEventLoop, how: Callable[..., None], future: Any, value: Any) -> None:
        with self._lock:
            self._results.append((how, future, value))
            if self._woken:  # the loop settles it with the others queued
                return
            self._woken = True
        # As asyncio's chained futures: a loop gone (even just now) has no one waiting.
        with contextlib.suppress(RuntimeError):
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._settle_all)

    def _settle_all(self) -> None:
        with self._lock:
            results, self._results, self._woken = self._results, [], False
        for how, future, value in results:
            try:
                how(future, value)
            except Exception as e:  # a result the future refuses (StopIteration): its batch-mates are still settled
                future.get_loop().call_exception_handler(
                    {"message": "a thread's result could not be handed back", "exception": e, "future": future}
                )

    def _serve(self) -> None:
        while (work := self._work.get()) is not None:
            work()


def _done(future: asyncio.Future[Any], result: Any) -> None:
    if not future.cancelled():  # the awaiting task was cancelled: the result has no one to go to
        future.set_result(result)


def _failed(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.cancelled():
        future.set_exception(error)
