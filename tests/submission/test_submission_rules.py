"""SUB-1 .. SUB-9 through the commands, on SQLite and PostgreSQL: each rule at its boundary, and a refusal
appends nothing to the submissions log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from domain.errors import DomainError, NotAuthorized, NotFound, RuleViolation
from domain.submission.claim import GradingType, Outcome
from domain.submission.dpi import Dpi
from domain.submission.entry import EntryDetails
from domain.submission.submission import Submission
from tests.submission.desk import AWS, NIM, PNG, TOEFL, Desk, claim, jakarta_noon, ssc, student
from tests.world import OPERATOR, UNIVERSITY, Clock, World

TODAY = date(2024, 8, 1)  # the conftest clock, in Jakarta


@pytest.fixture
def desk(world: World) -> Desk:
    world.university()
    world.programme()
    world.student(NIM)
    return Desk(world).catalog()


def refused(desk: Desk, rule_id: str, command: Callable[[], Any]) -> RuleViolation:
    """The command is refused by ``rule_id`` and the log does not move."""
    before = desk.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert rule_id in refusal.value.rule_ids, refusal.value
    assert desk.position() == before
    return refusal.value


def unchanged(desk: Desk, error: type[DomainError], command: Callable[[], Any]) -> None:
    before = desk.position()
    with pytest.raises(error):
        command()
    assert desk.position() == before


# SUB-1: the catalog, and what a submission records of it ------------------------------------------------------


def test_sub_1_only_catalog_entries_and_the_revision_is_recorded(desk: Desk) -> None:
    refused(desk, "SUB-1", lambda: desk.submit(entry=Submission.create_id(UNIVERSITY, NIM, desk.aws)))
    receipt = desk.submit()
    revised = EntryDetails(**{**vars(AWS), "name": "AWS Certified Cloud Practitioner (CLF-C02)"})
    desk.app.revise_catalog_entry(university_code=UNIVERSITY, entry_id=desk.aws, details=revised, cause=ssc())
    assert receipt.submission_id is not None
    submission = desk.app.load(Submission, receipt.submission_id, "submission", "")
    assert submission.claim.catalog.revision == 1
    assert submission.claim.catalog.details == AWS  # as it was when submitted (SUB-1)


def test_sub_1_withdrawn_and_duplicate_entries(desk: Desk) -> None:
    refused(
        desk,
        "SUB-1.duplicate",
        lambda: desk.app.add_catalog_entry(
            university_code=UNIVERSITY, details=EntryDetails(**{**vars(AWS), "name": AWS.name.upper()}), cause=ssc()
        ),
    )
    desk.app.withdraw_catalog_entry(university_code=UNIVERSITY, entry_id=desk.aws, cause=ssc())
    refused(desk, "SUB-1", desk.submit)


# SUB-2: proposals and their closing day -----------------------------------------------------------------------

NEW = EntryDetails(**{**vars(TOEFL), "name": "TOEFL iBT"})


def propose(desk: Desk, details: EntryDetails = NEW) -> Any:
    return desk.app.propose_catalog_entry(university_code=UNIVERSITY, nim=NIM, details=details, cause=student())


def test_sub_2_proposal_the_day_before_closing_is_taken_and_on_the_closing_day_refused(
    desk: Desk, clock: Clock
) -> None:
    closed_from = desk.app.proposals_closed_from
    clock.now = jakarta_noon(closed_from - timedelta(days=1))
    assert propose(desk).status == "PROPOSED"
    clock.now = jakarta_noon(closed_from)
    refusal = refused(desk, "SUB-2.closed", lambda: propose(desk, EntryDetails(**{**vars(NEW), "name": "IELTS"})))
    assert "catalog" in str(refusal) and "2 entries" in str(refusal)


def test_sub_2_staff_accept_into_the_catalog_or_reject_with_a_remark(desk: Desk) -> None:
    accepted = propose(desk)
    receipt = desk.app.decide_catalog_proposal(
        university_code=UNIVERSITY,
        proposal_id=accepted.proposal_id,
        accept=True,
        remark=None,
        details=None,
        cause=ssc(),
    )
    assert receipt.status == "ACCEPTED" and receipt.entry_id is not None
    desk.submit(entry=receipt.entry_id)  # now in the catalog (SUB-1)
    other = propose(desk, EntryDetails(**{**vars(NEW), "name": "IELTS Academic"}))
    decide = desk.app.decide_catalog_proposal
    refused(
        desk,
        "SUB-2.remark",
        lambda: decide(
            university_code=UNIVERSITY,
            proposal_id=other.proposal_id,
            accept=False,
            remark=" ",
            details=None,
            cause=ssc(),
        ),
    )
    rejected = decide(
        university_code=UNIVERSITY,
        proposal_id=other.proposal_id,
        accept=False,
        remark="not a certification: a course certificate",
        details=None,
        cause=ssc(),
    )
    assert rejected.status == "REJECTED"
    refused(
        desk,
        "SUB-2.decided",
        lambda: decide(
            university_code=UNIVERSITY,
            proposal_id=other.proposal_id,
            accept=True,
            remark=None,
            details=None,
            cause=ssc(),
        ),
    )


def test_sub_2_a_proposal_of_a_listed_entry_points_to_it(desk: Desk) -> None:
    refusal = refused(desk, "SUB-1.duplicate", lambda: propose(desk, AWS))
    assert str(desk.aws) in str(refusal)


# SUB-3 .. SUB-6: the claim ------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.FAILED, Outcome.PENDING])
def test_sub_3_only_passed(desk: Desk, outcome: Outcome) -> None:
    refused(desk, "SUB-3", lambda: desk.submit(outcome=outcome))


def test_sub_4_valid_thru_today_is_taken_yesterday_refused(desk: Desk) -> None:
    refused(desk, "SUB-4", lambda: desk.submit(valid_thru=TODAY - timedelta(days=1)))
    assert desk.submit(valid_thru=TODAY).status == "WAITING_FOR_APPROVAL"


def test_sub_4_no_expiry_is_said_explicitly(desk: Desk) -> None:
    refused(desk, "SUB-4", lambda: desk.submit(valid_thru=None))
    refused(desk, "SUB-4", lambda: desk.submit(no_expiry=True))  # and a date: one or the other
    receipt = desk.submit(valid_thru=None, no_expiry=True)
    assert receipt.submission_id is not None
    assert desk.app.load(Submission, receipt.submission_id, "", "").claim.validity.valid_thru is None


@pytest.mark.parametrize(
    ("grading", "result", "scale", "taken"),
    [
        (GradingType.NUMERIC, "1000", "1000", True),  # at the scale
        (GradingType.NUMERIC, "1000.01", "1000", False),  # beyond it
        (GradingType.NUMERIC, "0", "100", True),
        (GradingType.NUMERIC, "-1", "100", False),
        (GradingType.NUMERIC, "B+", None, False),
        (GradingType.NUMERIC, "90", "0", False),
        (GradingType.LETTER, "b+", None, True),
        (GradingType.LETTER, "85", None, False),
        (GradingType.LETTER, "A", "100", False),
        (GradingType.LETTER, "G", None, False),
    ],
)
def test_sub_5_result_against_its_grading_type(
    desk: Desk, grading: GradingType, result: str, scale: str | None, taken: bool
) -> None:
    if taken:
        assert desk.submit(grading=grading, result=result, scale=scale).status == "WAITING_FOR_APPROVAL"
    else:
        refused(desk, "SUB-5", lambda: desk.submit(grading=grading, result=result, scale=scale))


def test_sub_6_exactly_one_evidence(desk: Desk) -> None:
    stored = desk.files.put(PNG, student().actor)
    refused(desk, "SUB-6", lambda: desk.submit(evidence_url=None))
    refused(desk, "SUB-6", lambda: desk.submit(evidence_file=stored.sha256))  # and the URL
    refused(desk, "FILE.uploader", lambda: desk.submit(evidence_url=None, evidence_file="ab" * 32))  # never uploaded
    refused(desk, "SUB-6", lambda: desk.submit(evidence_url="javascript:alert(1)"))
    refused(desk, "SUB-6", lambda: desk.submit(evidence_url="https://user:pw@example.com/x"))
    receipt = desk.submit(evidence_url=None, evidence_file=stored.sha256.upper())
    assert receipt.submission_id is not None
    evidence = desk.app.load(Submission, receipt.submission_id, "", "").claim.evidence
    assert evidence == stored and stored.media_type == "image/png"


def test_sub_6_a_file_of_another_type_is_refused_by_its_bytes(desk: Desk) -> None:
    stored = desk.files.put(b"GIF89a" + b"\x00" * 32, student().actor)
    refused(desk, "SUB-6", lambda: desk.submit(evidence_url=None, evidence_file=stored.sha256))


def test_every_broken_field_is_named_at_once(desk: Desk) -> None:
    refusal = refused(
        desk, "SUB-5", lambda: desk.submit(result="x", valid_thru=None, evidence_url=None, issued_on=TODAY)
    )
    assert {f.field for f in refusal.failures} == {"result", "validThru", "evidence"}


# SUB-7: the final-thesis upload deadline ----------------------------------------------------------------------


def test_sub_7_on_the_deadline_taken_the_day_after_refused(desk: Desk, clock: Clock) -> None:
    desk.deadline(TODAY)
    assert desk.submit().status == "WAITING_FOR_APPROVAL"
    clock.now = jakarta_noon(TODAY + timedelta(days=1))
    refused(desk, "SUB-7", lambda: desk.submit(entry=desk.entries[TOEFL.name]))


# SUB-8: the status flow and the DPI ---------------------------------------------------------------------------


def test_sub_8_approval_lists_the_certification_on_the_dpi(desk: Desk) -> None:
    receipt = desk.submit()
    assert desk.approve(receipt.submission_id).status == "APPROVED"
    dpi = desk.app.load(Dpi, Dpi.create_id(UNIVERSITY, NIM), "", "")
    assert [listing.catalog.details.name for listing in dpi.listings.values()] == [AWS.name]
    refused(desk, "SUB-8", lambda: desk.approve(receipt.submission_id))
    refused(desk, "SUB-8", lambda: desk.reject(receipt.submission_id))
    refused(desk, "SUB-8.once", desk.submit)


def test_sub_8_rejection_needs_a_remark_and_a_reupload_waits_again(desk: Desk, clock: Clock) -> None:
    receipt = desk.submit()
    refused(desk, "SUB-8.remark", lambda: desk.reject(receipt.submission_id, remark=None))
    refused(desk, "SUB-8.remark", lambda: desk.reject(receipt.submission_id, remark=" \n "))
    refused(desk, "SUB-8.reupload", lambda: desk.reupload(receipt.submission_id))  # only when rejected
    assert desk.reject(receipt.submission_id).status == "REJECTED"
    refused(desk, "SUB-8.reupload", desk.submit)  # the same entry: re-upload it
    refused(desk, "SUB-8.reupload", lambda: desk.reupload(receipt.submission_id))  # nothing new
    clock.now = jakarta_noon(date(2024, 8, 5))  # a Monday
    again = desk.reupload(receipt.submission_id, evidence_url="https://www.credly.com/badges/new")
    assert again.status == "WAITING_FOR_APPROVAL" and again.due_on == date(2024, 8, 8)
    assert desk.approve(receipt.submission_id).status == "APPROVED"


def test_sub_8_a_finished_dpi_no_longer_changes(desk: Desk, world: World) -> None:
    waiting = desk.submit()
    approved = desk.submit(entry=desk.entries[TOEFL.name], grading=GradingType.LETTER, result="A", scale=None)
    desk.approve(approved.submission_id)
    finish = lambda: desk.app.finish_dpi(university_code=UNIVERSITY, nim=NIM, cause=OPERATOR)  # noqa: E731
    refused(desk, "SUB-8.graduated", finish)
    world.graduate(NIM)
    finish()
    refused(desk, "SUB-8.finished", lambda: desk.approve(waiting.submission_id))
    refused(desk, "SUB-8.finished", lambda: desk.reject(waiting.submission_id))
    refused(desk, "SUB-8.finished", lambda: desk.deadline(date(2024, 9, 1)))
    refused(desk, "SUB-8.finished", finish)


# SUB-9: due in 3 working days ---------------------------------------------------------------------------------


def test_sub_9_due_date_is_recorded_with_its_calendar(desk: Desk, clock: Clock) -> None:
    clock.now = jakarta_noon(date(2026, 8, 14))  # a Friday; Monday 17 August is Independence Day
    receipt = desk.submit()
    assert receipt.due_on == date(2026, 8, 20)
    assert receipt.submission_id is not None
    review = desk.app.load(Submission, receipt.submission_id, "", "").review
    assert review.calendar.startswith("ID national holidays") and "SUB-9" in review.rule_ids


# Who may -------------------------------------------------------------------------------------------------------


def test_a_student_acts_only_for_themself_and_staff_only_for_their_university(desk: Desk, world: World) -> None:
    world.student("2020002")
    receipt = desk.submit()
    assert receipt.submission_id is not None
    other = lambda: desk.app.submit_certification(  # noqa: E731
        university_code=UNIVERSITY, nim="2020002", entry_id=desk.aws, claim=claim(), cause=student(NIM)
    )
    unchanged(desk, NotAuthorized, other)
    unchanged(
        desk,
        NotAuthorized,
        lambda: desk.app.approve_submission(
            university_code=UNIVERSITY, submission_id=receipt.submission_id, cause=ssc("009999")
        ),
    )
    unchanged(  # staff name their own university; another's submission is not found there
        desk,
        NotFound,
        lambda: desk.app.reject_submission(
            university_code="009999", submission_id=receipt.submission_id, remark="no", cause=ssc("009999")
        ),
    )
    unchanged(
        desk,
        NotAuthorized,
        lambda: desk.app.approve_submission(
            university_code=UNIVERSITY, submission_id=receipt.submission_id, cause=OPERATOR
        ),
    )
    unchanged(desk, NotFound, lambda: desk.reupload(receipt.submission_id, nim="2020002"))  # not theirs
