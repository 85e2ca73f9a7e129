"""PIN-3, PIN-5: what each decision on a diploma records, on the aggregate alone: the university, prodi, NIM and
NINA it is about, what was decided and under which rule ids (the read models and the audit read the event)."""

from __future__ import annotations

import uuid

from domain.diploma.annulment import DIRECTOR_GENERAL_RULES, PROPOSAL_RULES, AnnulmentKind
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.personal import Sealed
from tests.domain.test_aggregate_rules import TODAY, reserved_diploma
from tests.domain.test_ruleset import PISN, graduate, record, semesters
from tests.world import DIRECTOR_GENERAL, LEADER, OPERATOR, PRODI, UNIVERSITY

WHO = (UNIVERSITY, PRODI, "2020001")


def who(event: object) -> tuple[str, str, str]:
    return (event.university_code, event.prodi_code, event.nim)  # type: ignore[attr-defined]


def test_PIN_5_rule_ids_an_annulment_cites() -> None:
    assert DIRECTOR_GENERAL_RULES == ("PIN-5.reason", "PIN-5.legal_basis")
    assert PROPOSAL_RULES == ("PIN-5.proposal",)


def test_PIN_3_a_pairing_records_the_student_graduation_decision_holder_and_day() -> None:
    diploma = reserved_diploma()
    holder = Sealed(uuid.uuid4(), "sealed")
    graduated = graduate(semesters(8))
    diploma.pair(nina=diploma.nina, ruleset=PISN, record=graduated, holder=holder, on=TODAY, cause=OPERATOR)
    paired = diploma.collect_events()[-1]
    assert isinstance(paired, Diploma.NINAPaired)
    assert who(paired) == WHO and paired.nina == diploma.nina
    assert (paired.graduation, paired.holder, paired.paired_on) == (graduated.graduation, holder, TODAY)
    assert paired.decision == PISN.pairing(graduated) and paired.decision.allowed


def test_PIN_5_a_proposal_its_rejection_and_an_annulment_record_what_they_decide() -> None:
    diploma = reserved_diploma()
    diploma.collect_events()
    diploma.propose_annulment(reason="wrong student", on=TODAY, cause=LEADER)
    diploma.decide_annulment_proposal(accept=False, remark="the record is right", on=TODAY, cause=DIRECTOR_GENERAL)
    diploma.annul(reason="fabricated reports", legal_basis="318/B/HK/2019 art. 5", on=TODAY, cause=DIRECTOR_GENERAL)
    proposed, rejected, annulled = diploma.collect_events()
    assert isinstance(proposed, Diploma.AnnulmentProposed) and isinstance(rejected, Diploma.AnnulmentProposalRejected)
    assert isinstance(annulled, Diploma.NINAAnnulled)
    for event in (proposed, rejected, annulled):
        assert who(event) == WHO and event.nina == diploma.nina
    assert proposed.proposal.reason == "wrong student" and rejected.proposal == proposed.proposal
    assert rejected.on == TODAY
    assert (annulled.kind, annulled.on, annulled.legal_basis, annulled.proposal) == (
        AnnulmentKind.VOID,
        TODAY,
        "318/B/HK/2019 art. 5",
        None,
    )
    assert (annulled.rule_ids, annulled.was_paired) == (DIRECTOR_GENERAL_RULES, False)


def test_PIN_5_an_accepted_proposal_records_it_and_a_new_reservation_what_it_replaces() -> None:
    diploma = reserved_diploma()
    first = diploma.nina
    diploma.propose_annulment(reason="wrong student", on=TODAY, cause=LEADER)
    proposal = diploma.proposal
    diploma.decide_annulment_proposal(accept=True, remark=None, on=TODAY, cause=DIRECTOR_GENERAL)
    new = NINA.issue(PRODI, 2024, 2)
    diploma.reserve_again(nina=new, ruleset=PISN, record=record(semesters(8)), cause=OPERATOR)
    annulled, again = diploma.collect_events()[-2:]
    assert isinstance(annulled, Diploma.NINAAnnulled) and isinstance(again, Diploma.NINAReservedAgain)
    assert (annulled.kind, annulled.proposal, annulled.rule_ids) == (
        AnnulmentKind.CANCELLED_IN_ERROR,
        proposal,
        PROPOSAL_RULES,
    )
    assert who(again) == WHO and (again.nina, again.replaces) == (new, first)
    assert again.decision == PISN.reservation(record(semesters(8))) and again.decision.allowed
