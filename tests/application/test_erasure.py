"""UU PDP erasure: the history stays whole, the person's data in it becomes unreadable everywhere."""

from __future__ import annotations

import pytest

from domain.audit import Role
from domain.errors import NotAuthorized, RuleViolation
from domain.registry.student import Student
from projections.sivil.projection import ERASED
from tests.world import PRODI, UNIVERSITY, World, cause


def paired(world: World) -> str:
    world.university()
    world.programme()
    nina = world.paired()
    assert nina is not None
    return nina


def test_erasure_records_who_and_why_then_no_read_model_or_replay_shows_the_name(world: World) -> None:
    nina = paired(world)
    events_before = world.position()
    receipt = world.app.erase_personal_data(
        university_code=UNIVERSITY, nim="2020001", cause=cause(reason="retensi berakhir / retention ended")
    )
    assert receipt.position == events_before + 1  # one event: PersonalDataErased, nothing rewritten
    erased = world.app.repository.get(Student.create_id(UNIVERSITY, "2020001"))
    assert erased.erased and world.app.sealer.unseal(erased.personal) is None
    world.project()
    services = world.container.services
    assert services.diploma.sivil.entry(UNIVERSITY, PRODI, nina).full_name == ERASED
    assert services.diploma.numbering.diploma(UNIVERSITY, "2020001").full_name == ERASED
    for name in ("sivil", "numbering"):
        world.container.worker.rebuild(name)
    assert services.diploma.sivil.entry(UNIVERSITY, PRODI, nina).full_name == ERASED
    assert world.student().changed is False  # a re-sent feed does not bring the data back


def test_erasure_needs_a_ground_and_the_universitys_own_staff(world: World) -> None:
    paired(world)
    before = world.position()
    with pytest.raises(RuleViolation) as refused:
        world.app.erase_personal_data(university_code=UNIVERSITY, nim="2020001", cause=cause())
    assert refused.value.failures[0].field == "reason"
    with pytest.raises(NotAuthorized):
        world.app.erase_personal_data(
            university_code=UNIVERSITY, nim="2020001", cause=cause(institution="009999", reason="x")
        )
    with pytest.raises(NotAuthorized):
        world.app.erase_personal_data(
            university_code=UNIVERSITY, nim="2020001", cause=cause(Role.PDDIKTI_SYNC, None, reason="x")
        )
    assert world.position() == before
