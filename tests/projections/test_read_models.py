"""Read models: rebuilt equals live, and a batch's rows and tracking position commit together."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.registry.period import Period
from projections import tracking
from projections.store import ReadStore
from tests.world import PRODI, UNIVERSITY, World, report


def dump(store: ReadStore, tables: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    return {t: sorted((dict(r) for r in store.query(f"SELECT * FROM {t}")), key=repr) for t in tables}


def populate(world: World) -> None:
    world.university()
    world.programme()
    for i in range(6):
        nim = f"20200{i}"
        world.eligible_s1(nim, name=f"Mahasiswa {i}")
    world.report("202000", report("20232", sks=20, ipk="3.60", passed=165))  # a correction (PIN-0)
    for i in range(5):
        reserved = world.reserve(f"20200{i}")
        if i < 2 or i == 4:
            world.graduate(f"20200{i}", on=date(2024, 7, 20))
            world.pair(f"20200{i}", reserved.nina)
    # PIN-5: a void diploma, a cancellation in error followed by a new NINA, a rejected proposal,
    # and an annulled reservation.
    world.annul("202000")
    world.propose_annulment("202001")
    world.decide_annulment("202001", accept=True)
    renumbered = world.reserve("202001")  # after a cancellation in error, a new NINA: a new credential
    world.pair("202001", renumbered.nina)
    world.propose_annulment("202004")
    world.decide_annulment("202004", accept=False, remark="no error found")
    world.annul("202002")


@pytest.mark.parametrize("name", ["sivil", "eligibility", "numbering", "credential_status"])
def test_a_rebuilt_read_model_equals_the_live_one(world: World, name: str) -> None:
    populate(world)
    world.project()
    worker = world.container.worker
    store = worker.store
    tables = worker.projections[name].tables
    live = dump(store, tables)
    assert any(live.values())
    worker.rebuild(name)
    assert dump(store, tables) == live
    assert worker.position(name, "diplomas") == world.position()


def test_PIN_4_pairing_writes_the_sivil_entry_without_a_second_command(world: World) -> None:
    """PIN-4: NINA dicatatkan secara otomatis pada SIVIL once it is paired; a reservation alone is not listed."""
    world.university()
    world.programme()
    world.eligible_s1()
    reserved = world.reserve()
    world.project()
    sivil = world.container.services.diploma.sivil
    assert sivil.entry(UNIVERSITY, PRODI, reserved.nina) is None  # reserved is not yet a diploma
    world.graduate()
    paired = world.pair(nina=reserved.nina)
    world.project()
    world.container.services.wait("sivil", paired.position)
    entry = sivil.entry(UNIVERSITY, PRODI, reserved.nina)
    assert entry is not None
    assert (entry.nim, entry.level, entry.graduation_date, entry.status) == ("2020001", "S1", "2024-07-20", "VALID")


class OperationalError(Exception):
    """Stands for a driver's connection-level error (sqlite3 and psycopg name theirs so): transient."""


def test_a_transient_failure_commits_neither_rows_nor_position_and_skips_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.university()
    world.programme()
    world.student()
    worker = world.container.worker
    projection = worker.projections["eligibility"]

    def broken(event: Any, tx: Any) -> None:
        tx.execute("DELETE FROM eligibility_programmes")
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(projection, "on_Student_Registered", broken)
    with pytest.raises(OperationalError):
        worker.run_once(only=["eligibility"])
    assert worker.position("eligibility") == 0
    assert worker.store.query("SELECT COUNT(*) AS n FROM eligibility_programmes")[0]["n"] == 0  # nothing committed
    assert worker.status()[1].failure_count == 0  # retried later, never skipped
    monkeypatch.undo()
    worker.catch_up(only=["eligibility"])
    assert worker.position("eligibility") == world.position()
    assert worker.store.query("SELECT COUNT(*) AS n FROM eligibility_programmes")[0]["n"] == 1
    assert worker.store.query("SELECT COUNT(*) AS n FROM eligibility_students")[0]["n"] == 1


def test_an_event_that_fails_twice_is_skipped_alone_and_its_half_written_rows_are_undone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 7, defect 1: the events around a poison event commit; the poison event's own writes do not."""
    world.university()
    world.programme()
    world.student()
    world.student("2020002")
    worker = world.container.worker

    def broken(event: Any, tx: Any) -> None:
        tx.execute("DELETE FROM eligibility_programmes")
        if event.nim == "2020001":
            raise RuntimeError("projection bug")

    monkeypatch.setattr(worker.projections["eligibility"], "on_Student_Registered", broken)
    worker.run_once(only=["eligibility"])
    assert worker.position("eligibility") == world.position()
    # The second student's handler ran (its DELETE committed); the first one's DELETE was rolled back with it.
    assert worker.store.query("SELECT COUNT(*) AS n FROM eligibility_programmes")[0]["n"] == 0
    status = {s.name: s for s in worker.status()}["eligibility"]
    assert status.failure_count == 1 and status.failures[0].position == world.started + 3
    assert status.failures[0].error == "RuntimeError: projection bug"


def test_a_second_worker_cannot_apply_a_batch_twice(world: World) -> None:
    world.university()
    worker = world.container.worker
    store = worker.store
    with store.transaction() as tx:
        tracking.advance(tx, "sivil", "diplomas", 0, 1)
    with pytest.raises(tracking.ConcurrentProjectionError), store.transaction() as tx:
        tracking.advance(tx, "sivil", "diplomas", 0, 1)
    assert tracking.position(store, "sivil", "diplomas") == 1


def test_a_query_waits_for_its_position_and_times_out_clearly(world: World) -> None:
    receipt = world.university()
    with pytest.raises(TimeoutError, match="has not reached position"):
        tracking.wait(world.container.worker.store, "sivil", "diplomas", receipt.position, timeout=0.05)
    world.project()
    world.container.services.wait("sivil", receipt.position)


def test_periods_order_as_pddikti_reports_them() -> None:
    assert Period.parse("20231") < Period.parse("20232") < Period.parse("20233") < Period.parse("20241")


def test_a_broken_read_model_does_not_hold_the_others_back(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.university()
    world.programme()
    world.student()
    worker = world.container.worker

    def broken(event: Any, tx: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(worker.projections["eligibility"], "on_Student_Registered", broken)
    with pytest.raises(OperationalError):
        worker.run_once()
    assert worker.position("eligibility") == 0
    assert worker.position("sivil") == worker.position("numbering") == world.position()


def test_a_rebuild_while_another_worker_runs_ends_equal_to_the_log(world: World) -> None:
    populate(world)
    worker = world.container.worker
    worker.catch_up()
    before = dump(worker.store, worker.projections["numbering"].tables)
    world.container.start_worker()  # a live worker follows the log while the rebuild replays it
    worker.rebuild("numbering")
    world.container.services.wait("numbering", world.position())
    assert dump(worker.store, worker.projections["numbering"].tables) == before
