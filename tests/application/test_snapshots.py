"""PIN-1 at scale (issue 8): a NINA sequence is snapshotted, so a reservation's load does not grow with the
number of NINAs already issued in its prodi-year; on SQLite and PostgreSQL, and across processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Snapshot

from application.diploma.diplomas import Diplomas
from domain.diploma.numbering import NINASequence
from domain.diploma.ruleset import RulesetBook
from infra.bootstrap import event_store_env
from tests.application.test_concurrency import eligible_students
from tests.world import PRODI, UNIVERSITY, World, cause

EVERY = 5
SEQUENCE = NINASequence.create_id(UNIVERSITY, PRODI, 2024)


@pytest.fixture(autouse=True)
def small_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Diplomas, "snapshot_every", {NINASequence: EVERY})


def events_after_latest_snapshot(app: Application[Any]) -> int:
    assert app.snapshots is not None
    latest = list(app.snapshots.get(SEQUENCE, desc=True, limit=1))
    after = latest[0].originator_version if latest else None
    return len(list(app.events.get(SEQUENCE, gt=after)))


def test_PIN_1_a_sequence_is_snapshotted_every_interval_and_loads_as_if_replayed(world: World) -> None:
    nims = eligible_students(world, 3 * EVERY + 2)
    app = world.app
    assert app.snapshots is not None
    loads_replay: list[int] = []
    for nim in nims:
        loads_replay.append(events_after_latest_snapshot(app))
        world.reserve(nim)

    versions = [s.originator_version for s in app.snapshots.get(SEQUENCE)]
    assert versions == [EVERY, 2 * EVERY, 3 * EVERY]  # Started is version 1; the 17th NINA is version 18
    assert max(loads_replay) <= EVERY  # never more than an interval of events to replay
    replayed = _replayed(app)
    loaded = app.repository.get(SEQUENCE)
    assert (loaded.version, loaded.last) == (replayed.version, replayed.last) == (len(nims) + 1, len(nims))
    assert isinstance(next(iter(app.snapshots.get(SEQUENCE))), Snapshot)


def test_PIN_1_a_snapshot_that_cannot_be_written_does_not_fail_the_reservation(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    nims = eligible_students(world, EVERY)
    app = world.app
    assert app.snapshots is not None

    def broken(*_: Any, **__: Any) -> None:
        raise OSError("snapshot store unavailable")

    monkeypatch.setattr(app.snapshots, "put", broken)
    with caplog.at_level(logging.WARNING, logger="application.service"):
        receipts = [world.reserve(nim) for nim in nims]

    assert all(r.changed for r in receipts)
    assert "not written" in caplog.text
    monkeypatch.undo()
    assert list(app.snapshots.get(SEQUENCE)) == []
    assert app.repository.get(SEQUENCE).last == EVERY  # loads from the events alone


@pytest.fixture
def second_process(world: World) -> Iterator[Diplomas]:
    """Another API process's application on the same store, with the same clock and keys."""
    app = Diplomas(
        event_store_env(world.container.settings),
        sealer=world.app.sealer,
        rulesets=RulesetBook.shipped(),
        clock=world.clock,
    )
    yield app
    app.close()


def test_PIN_1_two_processes_reserving_in_turn_load_from_each_others_snapshots(
    world: World, second_process: Diplomas
) -> None:
    nims = eligible_students(world, 4 * EVERY)
    apps = [world.app, second_process]
    for i, nim in enumerate(nims):
        apps[i % 2].reserve_nina(university_code=UNIVERSITY, nim=nim, cause=cause())

    for app in apps:
        assert app.repository.get(SEQUENCE).last == len(nims)
    assert world.app.snapshots is not None
    assert [s.originator_version for s in world.app.snapshots.get(SEQUENCE)] == [5, 10, 15, 20]
    claimed = [e.number for e in world.events() if isinstance(e, NINASequence.NumberClaimed)]
    assert claimed == list(range(1, len(nims) + 1))


def _replayed(app: Application[Any]) -> NINASequence:
    sequence: NINASequence | None = None
    for event in app.events.get(SEQUENCE):
        sequence = event.mutate(sequence)
    assert sequence is not None
    return sequence
