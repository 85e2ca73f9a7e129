"""PIN-5 through the Diplomas commands, on SQLite and PostgreSQL: annulment, proposals, no reuse.

Every refusal is checked twice, as in test_pin_rules: the exact rule ids, and an event log that did not grow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.audit import Actor, Cause, Role
from domain.diploma.annulment import AnnulmentKind
from domain.diploma.diploma import Diploma, DiplomaStatus
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim, NINASequence
from domain.errors import NotAuthorized, NotFound
from tests.application.test_pin_rules import OTHER_UNIVERSITY, diploma_events, refused, reserved
from tests.world import ADMIN, DIRECTOR_GENERAL, LEADER, OPERATOR, PRODI, UNIVERSITY, Clock, World, cause

ON_1_OCTOBER = datetime(2024, 10, 1, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta


@pytest.fixture
def s1(world: World) -> World:
    world.university()
    world.programme()
    return world


def paired(world: World, nim: str = "2020001") -> str:
    world.eligible_s1(nim)
    nina = reserved(world, nim)
    world.graduate(nim)
    world.pair(nim, nina)
    return nina


def diploma(world: World, nim: str = "2020001") -> Diploma:
    return world.app.repository.get(Diploma.create_id(UNIVERSITY, nim))


# The Director General annuls --------------------------------------------------------------------


def test_PIN_5_director_general_annuls_with_reason_and_legal_basis(s1: World, clock: Clock) -> None:
    nina = paired(s1)
    clock.now = ON_1_OCTOBER
    before = s1.position()
    receipt = s1.annul(reason="  reports of 2022 were fabricated ", legal_basis="Decree 318/B/HK/2019, art. 5")
    assert (receipt.nina, receipt.status) == (nina, "VOID")
    [annulled] = s1.events(before)
    assert receipt.position == s1.position()
    assert isinstance(annulled, Diploma.NINAAnnulled)
    assert (annulled.university_code, annulled.prodi_code, annulled.nim, annulled.nina) == (
        UNIVERSITY,
        PRODI,
        "2020001",
        NINA(nina),
    )
    assert annulled.kind is AnnulmentKind.VOID
    assert annulled.on == date(2024, 10, 1)
    assert annulled.legal_basis == "Decree 318/B/HK/2019, art. 5"
    assert annulled.cause.actor == DIRECTOR_GENERAL.actor
    assert annulled.cause.reason == "reports of 2022 were fabricated"
    assert annulled.was_paired and annulled.proposal is None
    assert annulled.rule_ids == ("PIN-5.reason", "PIN-5.legal_basis")
    assert diploma(s1).status is DiplomaStatus.VOID


def test_PIN_5_the_annulment_date_is_the_day_in_jakarta_not_utc(s1: World, clock: Clock) -> None:
    paired(s1)
    clock.now = datetime(2024, 12, 31, 17, 0, tzinfo=UTC)  # 00:00 on 1 January 2025 in Jakarta
    s1.annul()
    assert diploma_events(s1, "2020001")[-1].on == date(2025, 1, 1)


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_PIN_5_reason_an_annulment_without_a_reason_is_refused_and_appends_nothing(s1: World, reason: str) -> None:
    paired(s1)
    refusal = refused(s1, lambda: s1.annul(reason=reason))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-5.reason", "reason")]
    assert diploma(s1).status is DiplomaStatus.PAIRED


@pytest.mark.parametrize("basis", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_PIN_5_legal_basis_an_annulment_without_a_legal_basis_is_refused_and_appends_nothing(
    s1: World, basis: str
) -> None:
    paired(s1)
    refusal = refused(s1, lambda: s1.annul(legal_basis=basis))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-5.legal_basis", "legalBasis")]


def test_PIN_5_an_annulment_without_reason_and_legal_basis_names_both_fields(s1: World) -> None:
    paired(s1)
    refusal = refused(s1, lambda: s1.annul(reason=None, legal_basis=None))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [
        ("PIN-5.reason", "reason"),
        ("PIN-5.legal_basis", "legalBasis"),
    ]


@pytest.mark.parametrize(
    "who",
    [OPERATOR, LEADER, ADMIN, cause(Role.PDDIKTI_SYNC, None)],
    ids=["operator", "university-leader", "ministry-admin", "pddikti-feed"],
)
def test_PIN_5_only_the_director_general_annuls_and_nothing_is_appended(s1: World, who: Cause) -> None:
    paired(s1)
    refused(s1, lambda: s1.annul(by=who), NotAuthorized)
    assert diploma(s1).status is DiplomaStatus.PAIRED


def test_PIN_5_annulled_an_annulled_nina_cannot_be_annulled_again(s1: World) -> None:
    paired(s1)
    s1.annul()
    refusal = refused(s1, lambda: s1.annul(reason="again"))
    assert refusal.rule_ids == ("PIN-5.annulled",)
    assert "VOID" in refusal.failures[0].message


def test_PIN_5_annulling_a_student_without_a_nina_is_not_found(s1: World) -> None:
    s1.eligible_s1("2020001")
    refused(s1, lambda: s1.annul(), NotFound)


def test_PIN_5_a_reserved_nina_can_be_annulled_and_is_then_never_paired(s1: World) -> None:
    s1.eligible_s1("2020001")
    nina = reserved(s1, "2020001")
    s1.annul()
    assert not diploma_events(s1, "2020001")[-1].was_paired
    s1.graduate("2020001")
    refusal = refused(s1, lambda: s1.pair("2020001", nina))
    assert refusal.rule_ids == ("PIN-5.annulled",)


# The university leader proposes, the Director General decides ---------------------------------


def test_PIN_5_university_leader_proposes_and_the_director_general_accepts_cancelled_in_error(
    s1: World, clock: Clock
) -> None:
    nina = paired(s1)
    clock.now = datetime(2024, 9, 2, 3, 0, tzinfo=UTC)
    proposed = s1.propose_annulment(reason="paired with the NIM of another graduate")
    [proposal_event] = s1.events(proposed.position - 1)
    assert isinstance(proposal_event, Diploma.AnnulmentProposed)
    assert proposal_event.proposal.reason == "paired with the NIM of another graduate"
    assert proposal_event.proposal.proposed_on == date(2024, 9, 2)
    assert proposal_event.cause.actor == LEADER.actor
    assert diploma(s1).status is DiplomaStatus.PAIRED  # a proposal annuls nothing by itself

    clock.now = ON_1_OCTOBER
    accepted = s1.decide_annulment(accept=True)
    assert accepted.status == "CANCELLED_IN_ERROR"
    [annulled] = s1.events(accepted.position - 1)
    assert isinstance(annulled, Diploma.NINAAnnulled)
    assert (annulled.nina, annulled.kind, annulled.on) == (
        NINA(nina),
        AnnulmentKind.CANCELLED_IN_ERROR,
        date(2024, 10, 1),
    )
    assert annulled.proposal == proposal_event.proposal
    assert annulled.cause.actor == DIRECTOR_GENERAL.actor
    assert annulled.cause.reason == "paired with the NIM of another graduate"  # the university's, accepted
    assert annulled.rule_ids == ("PIN-5.proposal",)


def test_PIN_5_reason_a_proposal_without_a_reason_is_refused_and_appends_nothing(s1: World) -> None:
    paired(s1)
    refusal = refused(s1, lambda: s1.propose_annulment(reason=" "))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-5.reason", "reason")]


def test_PIN_5_a_leader_of_another_university_cannot_propose_and_nothing_is_appended(s1: World) -> None:
    paired(s1)
    outsider = cause(Role.UNIVERSITY_LEADER, OTHER_UNIVERSITY)
    refused(s1, lambda: s1.propose_annulment(by=outsider), NotAuthorized)


@pytest.mark.parametrize("who", [OPERATOR, DIRECTOR_GENERAL], ids=["operator", "director-general"])
def test_PIN_5_only_a_university_leader_proposes(s1: World, who: Cause) -> None:
    paired(s1)
    refused(s1, lambda: s1.propose_annulment(by=who), NotAuthorized)


def test_PIN_5_only_the_director_general_decides_a_proposal(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    refused(s1, lambda: s1.decide_annulment(accept=True, by=LEADER), NotAuthorized)
    refused(s1, lambda: s1.decide_annulment(accept=True, by=OPERATOR), NotAuthorized)


def test_PIN_5_proposal_a_second_open_proposal_is_refused(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    refusal = refused(s1, lambda: s1.propose_annulment(reason="another reason"))
    assert refusal.rule_ids == ("PIN-5.proposal",)
    assert refusal.failures[0].field == "nim"


def test_PIN_5_remark_rejecting_a_proposal_needs_a_remark(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    refusal = refused(s1, lambda: s1.decide_annulment(accept=False, remark="  "))
    assert [(f.rule_id, f.field) for f in refusal.failures] == [("PIN-5.remark", "remark")]

    before = s1.position()
    rejected = s1.decide_annulment(accept=False, remark="the pairing matches the yudisium decree")
    [event] = s1.events(before)
    assert isinstance(event, Diploma.AnnulmentProposalRejected)
    assert event.cause.reason == "the pairing matches the yudisium decree"
    assert rejected.status == "PAIRED"
    # Decided: a rejected proposal is closed, so a new one (with new grounds) may follow.
    assert s1.propose_annulment(reason="a second look found the NIM mistyped").changed


def test_PIN_5_proposal_deciding_without_an_open_proposal_is_refused(s1: World) -> None:
    paired(s1)
    assert refused(s1, lambda: s1.decide_annulment(accept=True)).rule_ids == ("PIN-5.proposal",)


def test_PIN_5_an_annulment_by_the_director_general_closes_an_open_proposal(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()
    s1.annul()
    assert diploma(s1).proposal is None
    assert refused(s1, lambda: s1.decide_annulment(accept=True)).rule_ids == ("PIN-5.annulled",)
    assert refused(s1, lambda: s1.propose_annulment()).rule_ids == ("PIN-5.annulled",)


# An annulled NINA is never issued again ---------------------------------------------------------


def test_PIN_5_reuse_after_a_cancellation_in_error_the_student_gets_a_new_nina_and_none_is_claimed_twice(
    s1: World,
) -> None:
    s1.eligible_s1("2020001")
    s1.eligible_s1("2020002")
    first = reserved(s1, "2020001")
    second = reserved(s1, "2020002")
    s1.propose_annulment("2020001")
    s1.decide_annulment("2020001", accept=True)

    before = s1.position()
    again = s1.reserve("2020001")
    assert again.nina not in (first, second)
    assert again.nina == NINA.issue(PRODI, 2024, 3).value  # the sequence never goes back
    reservation = next(e for e in s1.events(before) if isinstance(e, Diploma.NINAReservedAgain))
    assert (reservation.nina.value, reservation.replaces.value) == (again.nina, first)
    assert reservation.decision.allowed and reservation.cause == OPERATOR

    claims = [e.nina.value for e in s1.events() if isinstance(e, NINAClaim.Claimed)]
    assert sorted(claims) == sorted([first, second, again.nina]) and len(set(claims)) == len(claims)
    numbers = [e.number for e in s1.events() if isinstance(e, NINASequence.NumberClaimed)]
    assert numbers == [1, 2, 3]
    assert s1.app.repository.get(NINAClaim.create_id(UNIVERSITY, NINA(first))).diploma_id == diploma(s1).id

    s1.graduate("2020001")
    assert refused(s1, lambda: s1.pair("2020001", first)).rule_ids == ("PIN-3.reservation",)
    assert s1.pair("2020001", again.nina).changed
    assert diploma(s1).status is DiplomaStatus.PAIRED


def test_PIN_5_void_a_student_whose_nina_was_declared_void_is_not_reserved_again(s1: World) -> None:
    paired(s1)
    s1.annul()
    refusal = refused(s1, lambda: s1.reserve("2020001"))
    assert refusal.rule_ids == ("PIN-5.void",)
    assert refusal.failures[0].field == "nim"


def test_PIN_2_a_student_with_a_live_nina_is_still_not_reserved_again(s1: World) -> None:
    paired(s1)
    s1.propose_annulment()  # open, not decided
    assert refused(s1, lambda: s1.reserve("2020001")).rule_ids == ("PIN-2.once",)


def test_PIN_5_every_annulment_event_carries_its_cause(s1: World) -> None:
    paired(s1)
    leader = Cause(Actor("rektor@contoh", Role.UNIVERSITY_LEADER, UNIVERSITY), request_id="req-propose")
    s1.propose_annulment(by=leader)
    s1.decide_annulment(accept=False, remark="no error found")
    s1.propose_annulment(by=leader, reason="NIM typed wrong")
    s1.decide_annulment(accept=True)
    kinds = (Diploma.AnnulmentProposed, Diploma.AnnulmentProposalRejected, Diploma.NINAAnnulled)
    events = [e for e in diploma_events(s1, "2020001") if isinstance(e, kinds)]
    assert [type(e) for e in events] == [kinds[0], kinds[1], kinds[0], kinds[2]]
    assert [e.cause.actor.role for e in events] == [Role.UNIVERSITY_LEADER, Role.DIRECTOR_GENERAL] * 2
    assert all(e.cause.reason for e in events)
