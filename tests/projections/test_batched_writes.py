"""Set-based writes (issue 8): runs of the same statement go out together, and a statement that fails late,
when its run is sent, still costs exactly its own event (PIN-6's register must never stop on one event)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.registry.university import University
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
