"""History and time travel for every aggregate family (issue 12, item 1), on both stores: its events with who,
when, why and the request, a decision's rules, ruleset and inputs; and its state as of a version or an instant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.audit.trail import AuditTrail
from domain.audit.record import SEALED, WITHHELD
from domain.diploma.diploma import Diploma
from domain.equivalency.application import EquivalencyApplication
from domain.errors import RuleViolation
from domain.registry.student import Student
from domain.registry.university import University
from tests.assessment.lsp import Office
from tests.equivalency.directorate import Directorate
from tests.submission.desk import Desk
from tests.world import UNIVERSITY, World


def trail(world: World) -> AuditTrail:
    return world.container.services.audit.trail


def test_a_diploma_s_history_names_who_why_which_request_and_the_rules_its_decision_applied(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    receipt = world.reserve("2020001")
    history = trail(world).history(Diploma.create_id(UNIVERSITY, "2020001"))
    assert history is not None and history.context == "diplomas" and history.type == "Diploma"
    [reserved] = [e for e in history.events if e.rule_ids]
    assert reserved.type.startswith("Diploma.") and "PIN-2.ipk" in reserved.rule_ids
    assert reserved.ruleset and reserved.inputs  # the ruleset version and what the decision saw (PIN-8)
    assert reserved.actor_role == "university_operator" and reserved.actor_institution == UNIVERSITY
    assert reserved.request_id == "req-test" and reserved.position is not None and receipt.position is not None
    assert reserved.position <= receipt.position  # saved in the transaction the receipt names the end of
    assert all(e.position is not None for e in history.events)


def test_a_student_s_state_as_of_a_past_version_and_instant_with_personal_data_sealed(world: World) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.semesters("2020001", 2)
    student_id = Student.create_id(UNIVERSITY, "2020001")
    first = trail(world).as_of(student_id, version=1)
    latest = trail(world).history(student_id)
    assert first is not None and latest is not None and latest.version == 3
    assert first.version == 1 and first.state["personal"] == SEALED
    assert first.state != trail(world).as_of(student_id, version=3).state  # type: ignore[union-attr]
    registered_at = latest.events[0].at  # events are stamped by the event store's own clock
    then = trail(world).as_of(student_id, at=registered_at)
    assert then is not None and then.version == 1 and then.state == first.state
    assert trail(world).as_of(student_id, at=registered_at - timedelta(microseconds=1)) is None  # not yet there


def test_a_submission_an_assessment_and_an_equivalency_application_have_their_histories(world: World) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    desk = Desk(world).catalog()
    submitted = desk.submit()
    desk.approve(submitted.submission_id)
    office = Office(world).setup()
    assessment_id = office.assessed()
    directorate = Directorate(world)
    registered = directorate.register()
    for aggregate_id, context in (
        (submitted.submission_id, "submissions"),
        (assessment_id, "assessments"),
        (EquivalencyApplication.create_id(registered.registration_number), "equivalencies"),
    ):
        assert aggregate_id is not None
        history = trail(world).history(aggregate_id)
        assert history is not None and history.context == context
        assert all(e.actor_id and e.request_id for e in history.events)
        assert trail(world).as_of(aggregate_id, version=1) is not None
    reviewed = trail(world).history(submitted.submission_id)
    assert reviewed is not None and any("SUB-8" in e.rule_ids for e in reviewed.events)


def test_an_unknown_id_has_no_history_and_bad_questions_are_refused(world: World) -> None:
    world.university()
    unknown = Student.create_id(UNIVERSITY, "0000000")
    assert trail(world).history(unknown) is None and trail(world).as_of(unknown, version=1) is None
    with pytest.raises(RuleViolation):
        trail(world).history(unknown, first=501)
    with pytest.raises(RuleViolation):
        trail(world).as_of(unknown)  # neither a version nor an instant
    university = University.create_id(UNIVERSITY)
    with pytest.raises(RuleViolation):
        trail(world).as_of(university, version=2)  # it has one version
    with pytest.raises(RuleViolation):
        trail(world).history(university, after_version=2**40)
    with pytest.raises(RuleViolation):
        trail(world).as_of(unknown, at=world.clock().replace(tzinfo=None))  # an instant without its zone


def test_an_access_code_s_hash_is_withheld_from_auditors(world: World) -> None:
    directorate = Directorate(world)
    registered = directorate.register()
    application_id = EquivalencyApplication.create_id(registered.registration_number)
    history = trail(world).history(application_id)
    state = trail(world).as_of(application_id, version=1)
    assert history is not None and state is not None
    assert history.events[0].payload["access_code_hash"] == WITHHELD == state.state["access_code_hash"]
    assert history.events[0].payload["applicant"] == SEALED
