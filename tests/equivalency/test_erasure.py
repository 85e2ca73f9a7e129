"""UU PDP for applicants (issue 12, item 6), on both stores: the directorate erases an applicant's personal data
with its ground; the event is recorded, the key destroyed, the read model shows the name as erased, the history
and the SK's decision stay; an erasure interrupted before the key was destroyed is finished on start-up."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.equivalency.application import EquivalencyApplication
from domain.errors import NotAuthorized, RuleViolation
from projections.personal import ERASED
from tests.equivalency.directorate import TEAM, Directorate, applicant
from tests.world import World


def erase(directorate: Directorate, number: str, reason: str | None = "the applicant asked (UU PDP)") -> object:
    return directorate.app.erase_applicant_data(registration_number=number, cause=replace(TEAM, reason=reason))


def test_PDP_an_erased_applicant_reads_as_erased_and_the_decision_stays(world: World) -> None:
    directorate = Directorate(world)
    number = directorate.complete(directorate.register()).registration_number
    directorate.equalise(number)
    erase(directorate, number)
    world.project()
    row = world.container.services.equivalency.view.application(number)
    assert row is not None and row.applicant_name == ERASED and row.sk_number and row.equal_level == "D3"
    application = directorate.app.find(EquivalencyApplication, EquivalencyApplication.create_id(number))
    assert application is not None and directorate.app.sealer.unseal(application.applicant) is None
    history = world.container.services.audit.trail.history(application.id)
    assert history is not None and history.events[-1].type == "EquivalencyApplication.ApplicantDataErased"
    assert history.events[-1].reason == "the applicant asked (UU PDP)"
    before = directorate.position()
    erase(directorate, number)  # again: nothing more to do
    assert directorate.position() == before


def test_PDP_an_erasure_needs_its_ground_and_the_directorate(world: World) -> None:
    directorate = Directorate(world)
    number = directorate.register().registration_number
    before = directorate.position()
    with pytest.raises(RuleViolation) as refused:
        erase(directorate, number, reason=" ")
    assert refused.value.failures[0].rule_id == "PDP.erasure"
    with pytest.raises(NotAuthorized):
        directorate.app.erase_applicant_data(
            registration_number=number, cause=replace(applicant(), reason="I ask for it")
        )
    assert directorate.position() == before


def test_PDP_an_erasure_recorded_but_not_finished_is_finished_on_start_up(world: World) -> None:
    directorate = Directorate(world)
    number = directorate.register().registration_number
    app = directorate.app
    application = app.find(EquivalencyApplication, EquivalencyApplication.create_id(number))
    assert application is not None
    application.erase_applicant_data(replace(TEAM, reason="end of retention"))
    app.save(application)  # the process stopped here, before destroying the key
    assert app.sealer.unseal(application.applicant) is not None
    assert app.complete_erasures() == 1 and app.complete_erasures() == 0
    assert app.sealer.unseal(application.applicant) is None
