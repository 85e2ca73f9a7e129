"""Issue 7, defect 7: a valid diploma never reads "not found" in SIVIL (PIN-6) while its read model is rebuilt.

The rebuild replays the log into shadow tables and swaps them in one transaction; readers see the old model
until then, and events appended meanwhile are applied after the swap.
"""

from __future__ import annotations

import threading

import pytest

from domain.registry.university import University
from projections.projection import Projection, handles
from projections.store import Transaction
from projections.worker import EventLog, ProjectionWorker
from tests.projections.test_read_models import dump, populate
from tests.world import PRODI, UNIVERSITY, World


def paired(world: World) -> str:
    world.university()
    world.programme()
    nina = world.paired()
    assert nina is not None
    return nina


def test_sivil_finds_the_diploma_during_the_whole_rebuild(world: World) -> None:
    nina = paired(world)
    world.project()
    worker = world.container.worker
    sivil = world.container.services.diploma.sivil
    worker.batch_size = 2  # many batches, so the rebuild is caught half done
    seen: list[bool] = []
    stop = threading.Event()

    def reader() -> None:  # another thread, as an API request would be
        while not stop.is_set():
            seen.append(sivil.entry(UNIVERSITY, PRODI, nina) is not None)

    def between_batches(read: int) -> None:
        found: list[bool] = []
        probe = threading.Thread(target=lambda: found.append(sivil.entry(UNIVERSITY, PRODI, nina) is not None))
        probe.start()
        probe.join()
        seen.extend(found)
        assert found == [True], "SIVIL said not found while the read model was being rebuilt"
        if read < worker.batch_size:  # the rebuild has caught up: an event appended now comes after the swap
            world.university(name="Universitas Contoh Baru")

    background = threading.Thread(target=reader)
    background.start()
    try:
        worker.rebuild("sivil", progress=between_batches)
    finally:
        stop.set()
        background.join()
    assert seen and all(seen)
    entry = sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None and entry.university_name == "Universitas Contoh Baru"
    assert worker.position("sivil") == world.position()


def test_a_swapped_rebuild_equals_the_live_model_and_can_be_repeated(world: World) -> None:
    """Index names follow the swap (PostgreSQL's are schema-wide), so a second rebuild works as the first."""
    populate(world)
    world.project()
    worker = world.container.worker
    for name, projection in worker.projections.items():
        live = dump(worker.store, projection.tables)
        worker.rebuild(name)
        worker.rebuild(name)
        assert dump(worker.store, projection.tables) == live
        assert all(worker.position(name, log.application) == log_head(log) for log in worker.followed(name))
    if worker.store.dialect == "postgresql":
        names = [r["indexname"] for r in worker.store.query("SELECT indexname FROM pg_indexes")]
        assert not [n for n in names if "_rebuild" in n]
        assert "sivil_entries_pkey" in names
    tables = worker.store.query("SELECT COUNT(*) AS n FROM projection_tracking WHERE projection LIKE '%rebuild'")
    assert tables[0]["n"] == 0


def test_a_crashed_rebuild_leaves_the_live_model_and_is_started_over(world: World) -> None:
    nina = paired(world)
    world.project()
    worker = world.container.worker
    worker.batch_size = 2

    def crash(read: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        worker.rebuild("sivil", progress=crash)
    assert world.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina) is not None
    worker.rebuild("sivil")  # the leftover shadow tables are dropped and built again
    assert world.container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina) is not None


class Indexed(Projection):
    """A read model with an explicit index: its name must survive swaps on both stores."""

    name = "indexed"
    tables = ("indexed_universities",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS indexed_universities (code TEXT PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS indexed_universities_by_name ON indexed_universities (name)",
    )

    @handles
    def on_University_Registered(self, e: University.Registered, tx: Transaction) -> None:
        tx.execute("INSERT INTO indexed_universities (code, name) VALUES (:c, :n)", {"c": e.code, "n": e.name})


def test_explicit_indexes_keep_their_names_across_swaps(world: World) -> None:
    world.university()
    app = world.app
    store = world.container.worker.store
    worker = ProjectionWorker(logs=[EventLog(app.name, app.recorder, app.mapper)], store=store, projections=[Indexed()])
    worker.catch_up()
    for _ in range(2):
        worker.rebuild("indexed")
    assert store.query("SELECT code FROM indexed_universities") == [{"code": UNIVERSITY}]
    if store.dialect == "postgresql":
        rows = store.query("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'indexed_universities'")
    else:
        rows = store.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indexed_universities'")
    names = {r["name"] for r in rows}
    assert "indexed_universities_by_name" in names and not [n for n in names if "rebuild" in n]


def log_head(log: EventLog) -> int:
    return log.recorder.max_notification_id() or 0
