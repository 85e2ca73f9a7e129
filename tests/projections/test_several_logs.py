"""One worker follows several applications' logs (issue 16, item 5), on SQLite and PostgreSQL.

Each context will have an application and a log of its own; their positions overlap (both start at 1), so a
read model's position is kept per (projection, application), and a query waits on a position of one named log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from api.graphql.waiting import PositionWaiter
from api.health import report_body
from domain.registry.university import University
from infra.bootstrap import Container, event_store_env
from projections import tracking
from projections.projection import Projection, handles
from projections.store import Transaction
from projections.worker import EventLog, ProjectionWorker
from tests.world import World


class Tally(Aggregate):
    """A stand-in for the next context's aggregate."""

    class Counted(Aggregate.Event):
        amount: int

    @event("Started")
    def __init__(self) -> None:
        self.total = 0

    @event(Counted)
    def count(self, amount: int) -> None:
        self.total += amount


class Tallies(Application):
    name = "tallies"


class Totals(Projection):
    """Follows every log: counts universities from the diplomas log and amounts from the tallies log."""

    name = "totals"
    ddl = ("CREATE TABLE IF NOT EXISTS totals (source TEXT PRIMARY KEY, total INTEGER NOT NULL)",)
    tables = ("totals",)

    @handles
    def on_registered(self, e: University.Registered, tx: Transaction) -> None:
        self._add(tx, "universities", 1)

    @handles
    def on_counted(self, e: Tally.Counted, tx: Transaction) -> None:
        self._add(tx, "amounts", e.amount)

    @staticmethod
    def _add(tx: Transaction, source: str, amount: int) -> None:
        tx.execute(
            "INSERT INTO totals (source, total) VALUES (:s, :a) "
            "ON CONFLICT (source) DO UPDATE SET total = totals.total + :a",
            {"s": source, "a": amount},
        )


class TalliesOnly(Totals):
    name = "tallies_only"
    applications = ("tallies",)
    ddl = ("CREATE TABLE IF NOT EXISTS tallies_only (source TEXT PRIMARY KEY, total INTEGER NOT NULL)",)
    tables = ("tallies_only",)

    @staticmethod
    def _add(tx: Transaction, source: str, amount: int) -> None:
        tx.execute(
            "INSERT INTO tallies_only (source, total) VALUES (:s, :a) "
            "ON CONFLICT (source) DO UPDATE SET total = tallies_only.total + :a",
            {"s": source, "a": amount},
        )


@pytest.fixture
def tallies(container: Container) -> Iterator[Tallies]:
    app = Tallies(event_store_env(container.settings, Tallies.name))
    yield app
    app.close()


def worker_for(world: World, tallies: Tallies) -> ProjectionWorker:
    diplomas = world.app
    return ProjectionWorker(
        logs=[
            EventLog(diplomas.name, diplomas.recorder, diplomas.mapper),
            EventLog(tallies.name, tallies.recorder, tallies.mapper),
        ],
        store=world.container.worker.store,
        projections=[Totals(), TalliesOnly()],
    )


def totals(world: World, table: str = "totals") -> dict[str, int]:
    return {r["source"]: int(r["total"]) for r in world.container.worker.store.query(f"SELECT * FROM {table}")}


def test_a_worker_follows_two_logs_and_tracks_each_apart(world: World, tallies: Tallies) -> None:
    world.university("001002")
    world.university("001003")
    tally = Tally()
    for amount in (5, 7, 11):
        tally.count(amount)
    tallies.save(tally)
    diplomas_head = world.position()
    tallies_head = tallies.recorder.max_notification_id()
    assert tallies_head == 4 and diplomas_head >= 2  # the logs' positions overlap

    worker = worker_for(world, tallies)
    worker.catch_up()

    assert totals(world) == {"universities": 2, "amounts": 23}
    assert totals(world, "tallies_only") == {"amounts": 23}
    assert worker.position("totals", "diplomas") == diplomas_head
    assert worker.position("totals", "tallies") == tallies_head
    assert worker.position("tallies_only") == tallies_head  # the only log it follows
    assert tracking.position(worker.store, "tallies_only", "diplomas") == 0
    assert [(s.name, s.application, s.position, s.head) for s in worker.status()] == [
        ("totals", "diplomas", diplomas_head, diplomas_head),
        ("totals", "tallies", tallies_head, tallies_head),
        ("tallies_only", "tallies", tallies_head, tallies_head),
    ]
    assert set(report_body(worker.status())["projections"]) == {"totals/diplomas", "totals/tallies", "tallies_only"}


def test_a_wait_is_for_a_position_of_the_named_log(world: World, tallies: Tallies) -> None:
    world.university("001002")
    world.university("001003")
    worker = worker_for(world, tallies)
    worker.catch_up()
    tally = Tally()
    tally.count(3)
    tallies.save(tally)  # positions 1 and 2 of tallies, already passed in the diplomas log
    store = worker.store
    waiter = PositionWaiter(lambda p, a: tracking.position(store, p, a), timeout=0.3)

    with pytest.raises(TimeoutError, match="position 2 of tallies"):
        asyncio.run(waiter.wait("totals", 2, "tallies"))
    asyncio.run(waiter.wait("totals", 2, "diplomas"))  # the diplomas log is there already

    worker.run_once()
    asyncio.run(waiter.wait("totals", 2, "tallies"))
    tracking.wait(store, "totals", "tallies", 2, timeout=1)
    assert totals(world) == {"universities": 2, "amounts": 3}


def test_a_rebuild_replays_every_log_it_follows(world: World, tallies: Tallies) -> None:
    world.university("001002")
    tally = Tally()
    tally.count(4)
    tallies.save(tally)
    worker = worker_for(world, tallies)
    worker.catch_up()
    before = totals(world)

    worker.rebuild("totals")

    assert totals(world) == before == {"universities": 1, "amounts": 4}
    assert worker.position("totals", "diplomas") == world.position()
    assert worker.position("totals", "tallies") == tallies.recorder.max_notification_id()


def test_a_projection_that_names_a_log_the_worker_lacks_is_refused(world: World) -> None:
    diplomas = world.app
    with pytest.raises(ValueError, match="tallies"):
        ProjectionWorker(
            logs=[EventLog(diplomas.name, diplomas.recorder, diplomas.mapper)],
            store=world.container.worker.store,
            projections=[TalliesOnly()],
        )
