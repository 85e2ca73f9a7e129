"""A commit whose acknowledgement is lost (the connection breaks while COMMIT is on its way) is in doubt: the write
may have landed. The recorder's retry must then recognise its own rows, and the command answer as if the
acknowledgement had come, rather than rerun and refuse itself ("already reserved", PIN-1)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError, StoredEvent

from application.registry.pddikti_import import import_file
from domain.diploma.diploma import Diploma
from infra.bulk_events import CopiedEvents
from infra.eventstore import InDoubtRecorder
from tests.application.test_bulk_import import cohort
from tests.application.test_pddikti_import import SYNC, rows_of
from tests.world import World

pytestmark = pytest.mark.postgres


@pytest.fixture
def store() -> str:
    return "postgres"


def lose_acknowledgements(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """The next ``times`` inserts commit, then fail as a broken connection would; returns a list counting them."""
    lost: list[int] = []
    real = InDoubtRecorder.insert_once

    def committed_then_broken(self: InDoubtRecorder, events: Sequence[StoredEvent], **kw: Any) -> Any:
        ids = real(self, events, **kw)
        if len(lost) < times:
            lost.append(len(events))
            raise OperationalError("server closed the connection unexpectedly")
        return ids

    monkeypatch.setattr(InDoubtRecorder, "insert_once", committed_then_broken)
    return lost


def test_a_reservation_whose_commit_acknowledgement_was_lost_is_answered_once_and_recorded_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.eligible_s1("2020001")
    lost = lose_acknowledgements(monkeypatch, times=1)

    receipt = world.reserve("2020001")

    assert lost, "the fault was injected"
    reserved = [e for e in world.events() if isinstance(e, Diploma.NINAReserved)]
    assert [str(e.nina) for e in reserved] == [str(receipt.nina)]
    assert receipt.position == max(n.id for n in world.notifications())


def test_a_clash_with_someone_elses_rows_after_a_broken_attempt_is_still_a_conflict(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only rows byte for byte equal to what this call sent count as its own."""
    world.university()
    recorder = world.container.services.diploma.commands.recorder
    assert isinstance(recorder, InDoubtRecorder)
    stored = recorder.select_events(world.events()[0].originator_id)
    assert stored
    first = stored[0]
    altered = StoredEvent(first.originator_id, first.originator_version, first.topic, b"other" + first.state)
    assert recorder.landed([altered]) is None
    assert recorder.landed(stored) is not None


def test_an_import_chunk_whose_copy_acknowledgement_was_lost_counts_its_lines_applied_once(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path (COPY, issue 35) knows its own in-doubt commit too: the chunk is not redone line by line into
    'unchanged' lines, and its events are in the log once."""
    bulk = world.app.bulk_events
    assert isinstance(bulk, CopiedEvents)
    path = cohort(tmp_path)
    lines = len(rows_of(path))
    real, lost = CopiedEvents._copy, []

    def committed_then_broken(self: CopiedEvents, events: Sequence[StoredEvent]) -> int:
        position = real(self, events)
        if not lost:
            lost.append(len(events))
            raise OperationalError("server closed the connection unexpectedly")
        return position

    monkeypatch.setattr(CopiedEvents, "_copy", committed_then_broken)
    result = import_file(world.app, path, actor=SYNC)

    assert lost and result.errors == [] and result.applied == lines and result.unchanged == 0
    versions = [(e.originator_id, e.originator_version) for e in world.events()]
    assert len(versions) == len(set(versions))
