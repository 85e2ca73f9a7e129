"""A process creates its event tables as it boots, when its pool holds no connection yet. Opening one on a loaded
server can take longer than the pool's wait (1 s): the creation is retried as the library retries its reads and
writes, rather than the boot failing (seen once under CI's load)."""

from __future__ import annotations

import threading
import time

import pytest

from infra.eventstore import InDoubtRecorder, SnapshotRecorder
from tests.world import World

pytestmark = pytest.mark.postgres


@pytest.fixture
def store() -> str:
    return "postgres"


def test_the_schema_is_created_though_no_connection_is_free_for_longer_than_the_pools_wait(world: World) -> None:
    recorder = world.app.recorder
    assert isinstance(recorder, InDoubtRecorder)
    snapshots = world.app.snapshots
    assert snapshots is not None and isinstance(snapshots.recorder, SnapshotRecorder)
    pool = recorder.datastore.pool
    taken, release = threading.Event(), threading.Event()

    def hold_every_connection() -> None:  # another thread, so that none is lent to the test's own
        held = [pool.getconn() for _ in range(pool.max_size)]
        taken.set()
        release.wait(10)
        for conn in held:
            pool.putconn(conn)

    holder = threading.Thread(target=hold_every_connection)
    holder.start()
    try:
        assert taken.wait(10)
        threading.Timer(1.5, release.set).start()  # longer than the pool's 1 s wait
        started = time.monotonic()
        recorder.create_table()
        snapshots.recorder.create_table()
        assert time.monotonic() - started >= 1.0, "the first attempts waited for a connection"
    finally:
        release.set()
        holder.join()
    world.university()  # and the store goes on
    assert world.events()
