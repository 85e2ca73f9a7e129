"""IDEM-1 on the submission context's creating commands (the served regression test covers openAssessment and
registerEquivalencyApplication): a retry with the key answers the first result, another input is refused and
appends nothing, and the claim does not trouble the read models."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import RuleViolation
from tests.submission.desk import TOEFL, Desk, claim, student
from tests.world import UNIVERSITY, World

NIM = "2020001"
NEW = replace(TOEFL, name="TOEFL iBT")


@pytest.fixture
def desk(world: World) -> Desk:
    world.university()
    world.programme()
    world.student(NIM)
    return Desk(world).catalog()


def propose(desk: Desk, key: str | None, name: str = "TOEFL iBT") -> object:
    return desk.app.propose_catalog_entry(
        university_code=UNIVERSITY, nim=NIM, details=replace(NEW, name=name), cause=student(), idempotency_key=key
    )


def test_IDEM_1_a_proposal_retried_with_its_key_answers_the_first_and_another_input_is_refused(
    desk: Desk, world: World
) -> None:
    first = propose(desk, "k-1")
    assert propose(desk, "k-1") == first
    before = desk.position()
    with pytest.raises(RuleViolation) as refused:
        propose(desk, "k-1", name="IELTS Academic")
    assert refused.value.rule_ids == ("IDEM-1.reused",)
    assert desk.position() == before
    assert propose(desk, None) != first  # without a key, a second proposal (as before)
    world.project()  # the claim's event is nothing a read model trips on


def test_IDEM_1_a_submission_retried_with_its_key_answers_the_first(desk: Desk) -> None:
    submit = desk.app.submit_certification
    given = {"university_code": UNIVERSITY, "nim": NIM, "entry_id": desk.aws, "cause": student()}

    first = submit(**given, claim=claim(), idempotency_key="s-1")
    assert submit(**given, claim=claim(), idempotency_key="s-1") == first
    with pytest.raises(RuleViolation) as refused:
        submit(**given, claim=claim(result="B"), idempotency_key="s-1")
    assert refused.value.rule_ids == ("IDEM-1.reused",)


def test_IDEM_1_a_key_is_visible_ascii_of_at_most_255_characters(desk: Desk) -> None:
    for bad in ("", "with space", "ключ", "x" * 256):
        with pytest.raises(RuleViolation) as refused:
            propose(desk, bad)
        assert refused.value.rule_ids == ("IDEM-1.key",), bad
    propose(desk, "x" * 255)
