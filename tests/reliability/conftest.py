"""Fixtures of the tests of the event store's writes on PostgreSQL (test_text_writes.py, test_raw_pq.py)."""

from __future__ import annotations

import pytest

from infra import eventstore
from infra.eventstore import InDoubtRecorder
from tests.world import World


@pytest.fixture
def recorder(world: World) -> InDoubtRecorder:
    recorder = world.app.recorder
    assert isinstance(recorder, InDoubtRecorder)
    return recorder


@pytest.fixture(params=["prepared", "text"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The way a write of a few safe rows goes: prepared past the cursor, or (none prepared) as text through it."""
    if request.param == "text":
        monkeypatch.setattr(eventstore, "PREPARED_ROWS", 0)
    return str(request.param)
