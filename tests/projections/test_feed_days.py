"""A university's own feed is counted a day at a time (issue 32), by one upsert per event: a catch-up's batch
(projections/batched.py) cannot tell how many rows a waiting UPDATE will change, so an UPDATE followed, when it changed
nothing, by an INSERT cannot be batched."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.domain import DomainEvent

from domain.audit import Actor, Cause, Role
from domain.personal import PersonalData
from tests.world import PRODI, UNIVERSITY, World, report

FEED = Cause(Actor("pddikti-feed", Role.PDDIKTI_SYNC, UNIVERSITY), request_id="feed")
DAY = "SELECT import_id, accepted, superseded, refused, via FROM pddikti_imports WHERE via = 'FEED'"


def test_a_feeds_day_is_one_row_counting_every_call_live_and_in_one_catch_up_batch(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each call a second after the last, as a day's calls come (the day's row keeps the time of its latest call, and
    # that time is in the table's primary key): events recorded within one second would hide a second row.
    calls = iter(datetime(2026, 12, 7, 2, 0, tzinfo=UTC) + timedelta(seconds=s) for s in range(1000))
    monkeypatch.setattr(DomainEvent, "create_timestamp", staticmethod(lambda: next(calls)))
    world.university()
    world.programme()
    app = world.app
    for i in range(1, 6):
        nim = f"202000{i}"
        app.register_student(
            university_code=UNIVERSITY,
            nim=nim,
            prodi_code=PRODI,
            entry_period="20201",
            personal=PersonalData(full_name="Siti Aminah", nik=f"317123456789000{i}"),
            cause=FEED,
        )
        for ipk in ("3.00", "3.20"):  # the second supersedes the first (PIN-0)
            app.report_semester(
                university_code=UNIVERSITY, nim=nim, report=report("20201", sks=20, ipk=ipk, passed=20), cause=FEED
            )
    store = world.container.worker.store
    with caplog.at_level(logging.DEBUG, logger="projections.worker"):
        world.container.worker.catch_up()  # every event of the day in one batch
    assert not [r for r in caplog.records if "failed in one transaction" in r.getMessage()]  # the fast path held
    [day] = store.query(DAY)
    assert (day["accepted"], day["superseded"], day["refused"]) == (15, 5, 0)
    assert day["import_id"].startswith("feed:pddikti-feed:")
    assert all(s.failure_count == 0 for s in world.container.worker.status())
    world.container.worker.rebuild("pddikti_imports")
    assert store.query(DAY) == [day]
