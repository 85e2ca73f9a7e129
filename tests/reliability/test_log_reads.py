"""The worker's read of a log from a position on PostgreSQL (infra/eventstore.py ``InDoubtRecorder``), in binary:
the server sends a state's bytes as they are rather than as hex (issue 35). It answers what the library's reads."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

from tests.world import World

pytestmark = pytest.mark.postgres

STATES = [b"'; DROP TABLE stored_events; --", b"'", b"\\", b"\x00", bytes(range(256)), b""]


@pytest.fixture
def store() -> str:
    return "postgres"


def test_the_log_read_from_a_position_answers_what_the_library_reads(world: World) -> None:
    world.university()
    recorder = world.app.recorder
    oid = uuid4()
    recorder.insert_events([StoredEvent(oid, n, "x'y:Z\\", state) for n, state in enumerate(STATES, start=1)])
    ours = recorder.select_notifications(start=1, limit=1000)
    assert ours == PostgresApplicationRecorder.select_notifications(recorder, start=1, limit=1000)
    assert [n.state for n in ours if n.originator_id == oid] == STATES
    assert all(type(n.state) is bytes and type(n.originator_id) is UUID for n in ours)
    assert recorder.select_notifications(start=ours[-1].id, limit=10) == ours[-1:]
