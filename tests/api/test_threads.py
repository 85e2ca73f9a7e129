"""Issue 35: an API process of ``serve --workers N`` runs as many commands at once as it has PostgreSQL connections
(``create_app(threads=...)``, given the pool's size by infra/asgi.py); without it, as many as asyncio's default
executor has. GraphQL's resolvers reach those threads by a hop of their own (api/threads.py) that behaves as
``asyncio.to_thread``: the result or the error comes back, the caller's context variables go along, and what the
function sets in them stays there."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from api.threads import Threads
from domain.audit import Role
from infra.bootstrap import Container
from tests.world import UNIVERSITY

SECRET = "test-secret-" + "x" * 32
OPERATOR = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
RESERVE = 'mutation { reserveNina(input: {universityCode: "001002", nim: "nobody"}) { __typename } }'
request: contextvars.ContextVar[str] = contextvars.ContextVar("request", default="none")


def _command_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("api_graphql_")}


def test_commands_run_on_the_given_number_of_threads(container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = container.services.diploma.commands
    reserve, ran_on = commands.reserve_nina, []

    def watched(**kwargs: Any) -> Any:
        ran_on.append(threading.current_thread())
        return reserve(**kwargs)

    monkeypatch.setattr(commands, "reserve_nina", watched)
    before = _command_threads()
    with TestClient(create_app(container.services, threads=3)) as http:
        answer = http.post("/graphql", json={"query": RESERVE}, headers={"Authorization": f"Bearer {OPERATOR}"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["reserveNina"]["__typename"] == "NotFound"  # the command ran, in a thread
        started = _command_threads() - before
        assert len(started) == 3 and ran_on and set(ran_on) <= started
    assert not any(thread.is_alive() for thread in started)  # the app's shutdown ended them


def hop(threads: Threads, *calls: Callable[[], Any]) -> list[Any]:
    """Each call through the hop, one after another, on a loop of its own; what each returned or raised."""

    async def run() -> list[Any]:
        threads.start()
        try:
            answers: list[Any] = []
            for call in calls:
                try:
                    answers.append(await threads.run(call))
                except Exception as e:
                    answers.append(e)
            return answers
        finally:
            threads.stop()

    return asyncio.run(run())


def test_the_hop_gives_back_the_result_or_the_error_from_another_thread() -> None:
    def fails() -> None:
        raise LookupError("not there")

    here = threading.current_thread()
    answered, failed, where = hop(Threads(2), lambda: 42, fails, threading.current_thread)
    assert answered == 42
    assert isinstance(failed, LookupError) and str(failed) == "not there"
    assert where is not here and where.name.startswith("api_graphql_")


def test_the_hop_takes_the_callers_context_variables_and_keeps_the_functions_own() -> None:
    def sets() -> str:
        seen = request.get()
        request.set("set in the thread")
        return seen

    async def run(threads: Threads) -> list[str]:
        threads.start()
        try:
            request.set("the caller's")
            seen = [await threads.run(sets) for _ in range(3)]  # one thread: each call after the last one's set
            return [*seen, request.get()]
        finally:
            threads.stop()

    assert asyncio.run(run(Threads(1))) == ["the caller's"] * 4


def test_a_caller_cancelled_while_its_function_runs_leaves_the_threads_working() -> None:
    release = threading.Event()

    async def run(threads: Threads) -> int:
        threads.start()
        try:
            waiting = asyncio.ensure_future(threads.run(lambda: release.wait(10)))
            await asyncio.sleep(0.05)
            waiting.cancel()
            release.set()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            return await threads.run(lambda: 7)
        finally:
            threads.stop()

    assert asyncio.run(run(Threads(1))) == 7


def test_without_its_lifespan_the_hop_is_asyncio_to_thread() -> None:
    threads = Threads(1)
    assert asyncio.run(threads.run(lambda: threading.current_thread().name)).startswith("asyncio_")


def test_the_loops_default_executor_is_the_same_threads_so_no_more_jobs_run_than_connections() -> None:
    # The API's other synchronous work (asyncio.to_thread: files, documents) shares GraphQL's threads: a process given
    # as many threads as connections never has a job waiting on the pool for one (review of issue 35's hop).
    threads = Threads(2)

    async def run() -> tuple[set[str], Exception | None]:
        threads.start()
        try:
            names = await asyncio.gather(*(asyncio.to_thread(_thread_name) for _ in range(20)))
            hopped = await threads.run(_thread_name)
        finally:
            threads.stop()
        try:
            threads.submit(lambda: None)
        except RuntimeError as e:
            return {*names, hopped}, e
        return {*names, hopped}, None

    names, refused = asyncio.run(run())
    assert names <= {"api_graphql_0", "api_graphql_1"}
    assert refused is not None  # once stopped, a job is refused rather than left waiting for a thread forever


def _thread_name() -> str:
    return threading.current_thread().name


def test_results_that_come_back_together_each_reach_their_own_caller() -> None:
    # Results are handed to the loop together (one wake-up for those queued by the time it runs): each still goes
    # to its own caller, an error as an error, however many threads end at once.
    threads = Threads(4)
    ready = threading.Barrier(4)

    def answer(n: int) -> int:
        ready.wait(5)  # four at a time end together
        if n % 7 == 0:
            raise ValueError(n)
        return n

    async def run() -> list[Any]:
        threads.start()
        try:
            return await asyncio.gather(
                *(threads.run(lambda n=n: answer(n)) for n in range(200)), return_exceptions=True
            )
        finally:
            threads.stop()

    answers = asyncio.run(run())
    for n, got in enumerate(answers):
        if n % 7 == 0:
            assert isinstance(got, ValueError) and got.args == (n,)
        else:
            assert got == n


def test_a_serve_process_after_boot_freezes_what_boot_made_and_collects_young_objects_less_often() -> None:
    import gc

    from api import collector

    before = gc.get_threshold()
    try:
        collector.after_boot()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (max(before[0], collector.YOUNG), *before[1:])  # full passes as often as before
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
