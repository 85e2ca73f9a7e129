"""Issue 13: a credential's status slot is a recorded fact. A pairing the read model could not apply moves no
other credential's slot, and gets its own once the model is rebuilt; a new NINA after a cancellation in error is a
new credential with a slot of its own; two allocators at once leave every credential one slot."""

from __future__ import annotations

from typing import Any

import pytest

from application.credentials.allocation import SlotAllocator
from application.credentials.status_key import status_list_key
from domain.credentials.diploma import diploma_subject_key
from domain.credentials.slots import StatusSlots
from domain.credentials.status_list import CredentialKind, StatusSlot, position
from infra.bootstrap import Container
from projections.credentials.view import CredentialStatusView
from tests.world import PRODI, UNIVERSITY, World


@pytest.fixture
def s1(world: World) -> World:
    world.university()
    world.programme()
    return world


def slot(container: Container, nina: str) -> StatusSlot | None:
    view = CredentialStatusView(container.worker.store)
    return view.slot(CredentialKind.DIPLOMA, diploma_subject_key(UNIVERSITY, PRODI, nina))


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="projections.worker")


def test_a_pairing_the_read_model_skipped_moves_no_other_slot_and_gets_its_own_after_a_rebuild(
    s1: World, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    projection = container.worker.projections["credential_status"]
    original = projection.on_Diploma_NINAPaired  # type: ignore[attr-defined]
    ninas = [s1.paired(nim) for nim in ("2020001", "2020002", "2020003")]

    def fails_on_the_second(event: Any, tx: Any) -> None:
        if event.nina.value == ninas[1]:
            raise RuntimeError("a bug in a handler")
        original(event, tx)

    monkeypatch.setattr(projection, "on_Diploma_NINAPaired", fails_on_the_second)
    s1.project()
    before = [slot(container, nina) for nina in ninas]
    monkeypatch.setattr(projection, "on_Diploma_NINAPaired", original)
    container.worker.rebuild("credential_status")
    s1.project()
    after = [slot(container, nina) for nina in ninas]

    assert before[0] is not None and before[1] is None and before[2] is not None
    assert after[0] == before[0] and after[2] == before[2]  # what was handed out keeps its bits
    assert after[1] is not None and after[1] not in (after[0], after[2])


def test_PIN_5_a_new_nina_after_a_cancellation_in_error_is_a_new_credential_with_its_own_slot(
    s1: World, container: Container
) -> None:
    first = s1.paired("2020001")
    s1.propose_annulment()
    s1.decide_annulment(accept=True)
    second = s1.reserve().nina
    assert second is not None and second != first
    s1.pair("2020001", second)
    s1.project()

    old, new = slot(container, first), slot(container, second)
    assert old is not None and new is not None and (old.number, old.index) != (new.number, new.index)
    key = status_list_key(container.services.applications["credentials"])
    assert (new.number, new.index) == position(key, CredentialKind.DIPLOMA, 1)


def test_two_allocators_at_once_leave_each_credential_its_first_slot(s1: World, container: Container) -> None:
    ninas = [s1.paired(nim) for nim in ("2020001", "2020002")]
    container.worker.catch_up()
    registry = container.services.applications["credentials"]
    key = status_list_key(registry)
    view = CredentialStatusView(container.worker.store)
    first, second = SlotAllocator(registry, key, view), SlotAllocator(registry, key, view)
    assert first.step() == 2
    assert second.step() == 2  # it read the list before the first one's allocations were projected
    container.worker.catch_up()

    counter = registry.repository.get(StatusSlots.create_id(CredentialKind.DIPLOMA.value))
    slots = [slot(container, nina) for nina in ninas]
    assert counter.allocated == 4
    assert [(s.number, s.index) for s in slots if s] == [position(key, CredentialKind.DIPLOMA, n) for n in (0, 1)]
    assert SlotAllocator(registry, key, view).step() == 0
