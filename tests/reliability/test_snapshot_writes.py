"""The snapshots' write on PostgreSQL as plain parameters of one multi-row INSERT (issue 35; infra/eventstore.py
``SnapshotRecorder``): what is read back is exactly what was written, hostile bytes included; a version taken twice is
refused as the library's write refuses it; many at once go as one binary COPY, and a write larger than one statement's
rows goes the library's way."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from infra import eventstore
from infra.eventstore import SnapshotRecorder
from tests.world import World

pytestmark = pytest.mark.postgres

STATES = [b"'; DROP TABLE stored_snapshots; --", b"'", b"\\", b"\x00", bytes(range(256)), b""]


@pytest.fixture
def store() -> str:
    return "postgres"


@pytest.fixture
def snapshots(world: World) -> SnapshotRecorder:
    assert world.app.snapshots is not None
    recorder = world.app.snapshots.recorder
    assert isinstance(recorder, SnapshotRecorder)
    return recorder


def test_snapshots_read_back_exactly_as_written(snapshots: SnapshotRecorder) -> None:
    oid = uuid4()
    events = [StoredEvent(oid, n, "x'y:Z\\", state) for n, state in enumerate(STATES, start=1)]
    snapshots.insert_events(events[:1])
    snapshots.insert_events(events[1:])
    assert list(snapshots.select_events(oid)) == events


def test_a_snapshot_of_a_version_already_taken_is_refused_and_nothing_of_its_write_lands(
    snapshots: SnapshotRecorder,
) -> None:
    oid = uuid4()
    first = StoredEvent(oid, 1, "a:B", b"1")
    snapshots.insert_events([first])
    with pytest.raises(IntegrityError):
        snapshots.insert_events([StoredEvent(oid, 2, "a:B", b"2"), StoredEvent(oid, 1, "a:B", b"other")])
    assert list(snapshots.select_events(oid)) == [first]


def test_more_rows_than_one_statement_takes_go_the_library_s_way(
    snapshots: SnapshotRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eventstore, "MAX_ROWS", 2)
    oid = uuid4()
    events = [StoredEvent(oid, n, "a:B", bytes([n])) for n in range(1, 6)]
    snapshots.insert_events(events)
    assert list(snapshots.select_events(oid)) == events


def test_many_snapshots_at_once_go_as_one_binary_copy_and_read_back_exactly(snapshots: SnapshotRecorder) -> None:
    """An import's chunk snapshots its students together (issue 35): one COPY in the library's transaction."""
    oid = uuid4()
    events = [
        StoredEvent(oid, n, "x'y:Z\\", STATES[n % len(STATES)] + bytes([n % 256]))
        for n in range(1, eventstore.COPY_FROM + 6)
    ]
    snapshots.insert_events(events)
    assert list(snapshots.select_events(oid)) == events


def test_a_copy_with_a_version_already_taken_is_refused_and_nothing_of_it_lands(snapshots: SnapshotRecorder) -> None:
    oid = uuid4()
    first = StoredEvent(oid, 1, "a:B", b"1")
    snapshots.insert_events([first])
    clashing = [StoredEvent(oid, n, "a:B", bytes([n])) for n in range(eventstore.COPY_FROM, 0, -1)]
    with pytest.raises(IntegrityError):
        snapshots.insert_events(clashing)
    assert list(snapshots.select_events(oid)) == [first]
