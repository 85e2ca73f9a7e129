"""Defect 8: a query with ``position`` held a worker thread for up to the wait timeout, so a dozen of them made an
unrelated mutation take 5 to 9.6 s. Waits now sleep on the event loop, share their position reads, and are
bounded in number; commands never queue behind them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest

from api.graphql.waiting import PositionWaiter, TooManyWaiting
from api.http import create_app
from infra.bootstrap import Container
from tests.api.test_graphql import ADMIN, OPERATOR
from tests.world import World

WAITERS = 40  # more than the default thread pool of any machine (at most 32 threads)
WAITING_QUERY = '{ diploma(universityCode: "001002", nim: "2020001", position: %d) { ... on Diploma { nina } } }'
REGISTER = 'mutation { registerUniversity(input: {code: "001003", name: "Universitas Lain"}) { __typename } }'


def test_a_mutation_is_not_queued_behind_many_waiting_queries(container: Container, world: World) -> None:
    unprojected = world.university().position  # the worker is not running: nobody reaches it until we project
    timeout = container.services.waiter.timeout

    async def scenario() -> tuple[float, list[dict[str, Any]]]:
        transport = httpx.ASGITransport(app=create_app(container.services))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def post(query: str, token: str) -> dict[str, Any]:
                response = await client.post(
                    "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
                )
                return dict(response.json())

            waiting = [asyncio.create_task(post(WAITING_QUERY % unprojected, OPERATOR)) for _ in range(WAITERS)]
            await asyncio.sleep(0.5)  # every waiter is now waiting
            started = time.monotonic()
            registered = await post(REGISTER, ADMIN)
            took = time.monotonic() - started
            assert registered == {"data": {"registerUniversity": {"__typename": "Accepted"}}}
            await asyncio.to_thread(world.project)  # the position is reached: the waiters read and answer
            return took, list(await asyncio.gather(*waiting))

    took, answers = asyncio.run(scenario())
    assert took < timeout / 4, f"the mutation took {took:.1f}s behind waiting queries (wait timeout {timeout}s)"
    assert answers == [{"data": {"diploma": None}}] * WAITERS


def test_concurrent_waits_share_one_position_read_at_a_time() -> None:
    reads: list[float] = []
    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def read_position(projection: str, application: str) -> int:
        nonlocal in_flight, most_in_flight
        with lock:
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
        time.sleep(0.01)
        with lock:
            in_flight -= 1
            reads.append(time.monotonic())
        return 0

    waiter = PositionWaiter(read_position, timeout=0.5)

    async def many() -> list[Any]:
        return list(
            await asyncio.gather(*(waiter.wait("sivil", 1, "diplomas") for _ in range(50)), return_exceptions=True)
        )

    outcomes = asyncio.run(many())
    assert all(isinstance(o, TimeoutError) for o in outcomes)
    assert most_in_flight == 1  # one thread at most, whatever the number of waiters
    assert len(reads) < 50 * 2  # not one read per waiter per poll


def test_the_number_of_waiting_queries_is_bounded() -> None:
    waiter = PositionWaiter(lambda projection, application: 0, timeout=0.3, max_waiting=3)

    async def four() -> list[Any]:
        return list(
            await asyncio.gather(*(waiter.wait("numbering", 5, "diplomas") for _ in range(4)), return_exceptions=True)
        )

    outcomes = asyncio.run(four())
    assert sum(isinstance(o, TooManyWaiting) for o in outcomes) == 1
    assert sum(isinstance(o, TimeoutError) for o in outcomes) == 3
    assert waiter.waiting == 0


@pytest.mark.parametrize("reached", [True, False])
def test_a_wait_returns_as_soon_as_the_position_is_reached(reached: bool) -> None:
    waiter = PositionWaiter(lambda projection, application: 7 if reached else 6, timeout=0.2)
    if reached:
        asyncio.run(waiter.wait("sivil", 7, "diplomas"))
    else:
        with pytest.raises(TimeoutError, match="has not reached position 7"):
            asyncio.run(waiter.wait("sivil", 7, "diplomas"))
