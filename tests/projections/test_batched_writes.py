"""Set-based writes (issue 8): runs of the same statement go out together, and a statement that fails late,
when its run is sent, still costs exactly its own event (PIN-6's register must never stop on one event)."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.utils import get_topic

from domain.registry.university import University
from projections import tracking
from projections.batched import Batched
from projections.projection import Projection, handles
from projections.store import Params, Row, Transaction
from projections.worker import EventLog, ProjectionWorker
from tests.world import ADMIN, World


class Names(Projection):
    name = "names"
    ddl = ("CREATE TABLE IF NOT EXISTS names (code TEXT PRIMARY KEY, name TEXT NOT NULL)",)
    tables = ("names",)

    @handles
    def on_registered(self, e: University.Registered, tx: Transaction) -> None:
        # An empty name becomes NULL, which the table refuses: a poison event found only when its run is sent.
        tx.execute("INSERT INTO names (code, name) VALUES (:c, :n)", {"c": e.code, "n": e.name or None})


class Recording:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def execute(self, sql: str, params: Params | None = None) -> int:
        self.calls.append(("execute", 1))
        return 1

    def execute_many(self, sql: str, params: list[Params]) -> None:
        self.calls.append(("execute_many", len(params)))

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        self.calls.append(("query", 0))
        return []


def test_runs_of_the_same_statement_are_sent_together_and_a_read_sends_what_waits_first() -> None:
    tx = Recording()
    batched = Batched(tx)
    for i in range(3):
        batched.execute("INSERT A", {"i": i})
    batched.execute("UPDATE B", {})
    batched.query("SELECT", {})
    batched.execute("INSERT A", {"i": 9})
    batched.flush()
    assert tx.calls == [("execute_many", 3), ("execute", 1), ("query", 0), ("execute", 1)]


def test_a_statement_that_fails_when_its_run_is_sent_skips_only_its_own_event(world: World) -> None:
    app = world.app
    codes = [f"00100{i}" for i in range(1, 8)]
    names: dict[str, Any] = {code: f"Universitas {code}" for code in codes}
    poisoned = codes[4]
    for code in codes:
        app.save(University(code=code, name="" if code == poisoned else names[code], cause=ADMIN))
    worker = ProjectionWorker(
        logs=[EventLog(app.name, app.recorder, app.mapper)], store=world.container.worker.store, projections=[Names()]
    )

    worker.catch_up()

    rows = {r["code"]: r["name"] for r in worker.store.query("SELECT code, name FROM names")}
    assert rows == {code: names[code] for code in codes if code != poisoned}
    [status] = worker.status()
    assert status.failure_count == 1 and status.position == world.position()
    assert status.failures[0].position == world.started + codes.index(poisoned) + 1


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="projections.worker")


class Renames(Projection):
    name = "renames"
    ddl = ("CREATE TABLE IF NOT EXISTS renames (name TEXT PRIMARY KEY)",)
    tables = ("renames",)

    @handles
    def on_renamed(self, e: University.Renamed, tx: Transaction) -> None:
        tx.execute("INSERT INTO renames (name) VALUES (:n)", {"n": e.name})


class Counting:
    """The log's mapper, counting the events it decodes."""

    def __init__(self, mapper: Any) -> None:
        self.mapper, self.decoded = mapper, 0

    def to_domain_event(self, stored: Any) -> Any:
        self.decoded += 1
        return self.mapper.to_domain_event(stored)


def test_a_batch_commits_every_read_model_in_one_transaction_and_decodes_only_what_one_of_them_projects(
    world: World,
) -> None:
    app = world.app
    world.university()
    world.programme()  # a programme's registration: neither read model here projects it
    for code in ("002001", "002002"):
        app.save(University(code=code, name=f"Universitas {code}", cause=ADMIN))
    mapper = Counting(app.mapper)
    store = world.container.worker.store
    worker = ProjectionWorker(
        logs=[EventLog(app.name, app.recorder, mapper)],  # type: ignore[arg-type]
        store=store,
        projections=[Names(), Renames()],
    )
    opened = 0
    transaction = store.transaction

    def counted() -> Any:
        nonlocal opened
        opened += 1
        return transaction()

    store.transaction = counted  # type: ignore[method-assign]
    try:
        worker.run_once()
    finally:
        store.transaction = transaction  # type: ignore[method-assign]
    assert opened == 1  # both read models' rows and positions: one commit
    registered = app.recorder.select_notifications(start=1, limit=1000, topics=[get_topic(University.Registered)])
    assert mapper.decoded == len(registered) < world.position()  # the programme was read, passed over, not decoded
    assert {s.name: s.position for s in worker.status()} == {"names": world.position(), "renames": world.position()}
    assert len(store.query("SELECT code FROM names")) == len(registered)


def test_a_read_model_another_worker_moved_on_is_left_alone_and_the_others_apply_the_batch(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = world.app
    for code in ("002001", "002002"):
        app.save(University(code=code, name=f"Universitas {code}", cause=ADMIN))
    university = app.repository.get(University.create_id("002001"))
    university.rename("Universitas Baru", cause=ADMIN)
    app.save(university)
    worker = ProjectionWorker(
        logs=[EventLog(app.name, app.recorder, app.mapper)],
        store=world.container.worker.store,
        projections=[Names(), Renames()],
    )
    with worker.store.transaction() as tx:  # another worker applied the whole log to ``names`` meanwhile
        tracking.advance(tx, "names", app.name, 0, world.position())
    stale = tracking.positions
    monkeypatch.setattr(tracking, "positions", lambda *a: {k: 0 for k in stale(*a)})  # read before it did
    worker.run_once()
    assert worker.store.query("SELECT COUNT(*) AS n FROM names")[0]["n"] == 0  # not applied a second time
    assert [r["name"] for r in worker.store.query("SELECT name FROM renames")] == ["Universitas Baru"]
    assert {s.name: s.position for s in worker.status()} == {"names": world.position(), "renames": world.position()}
