"""A student's certification submission for the DPI (SUB-1 .. SUB-9).

WAITING_FOR_APPROVAL -> APPROVED (listed on the DPI) or REJECTED (with a remark); a rejected one is
re-uploaded with new evidence or corrected data and waits again (SUB-8). One per student and catalog entry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.calendar import WorkingCalendar
from domain.errors import violation
from domain.submission.calendar import review_due
from domain.submission.claim import Evidence, Outcome, Result, Validity, check_passed
from domain.submission.dpi import Dpi
from domain.submission.entry import CatalogRef
from domain.submission.listing import Listing
from domain.submission.status import SubmissionStatus

SUBMISSION_RULES = ("SUB-1", "SUB-3", "SUB-4", "SUB-5", "SUB-6", "SUB-7", "SUB-9")


@dataclass(frozen=True)
class Claim:
    """What the student states, as parsed at the door (application.submission.inputs)."""

    catalog: CatalogRef
    outcome: Outcome
    result: Result
    validity: Validity
    evidence: Evidence


@dataclass(frozen=True)
class Review:
    """When a (re-)upload was made, the deadline it met, and when its review is due (SUB-7, SUB-9)."""

    submitted_on: date
    deadline: date | None  # the final-thesis upload deadline in force; None while none is set
    due_on: date
    calendar: str
    rule_ids: tuple[str, ...] = SUBMISSION_RULES


def check_claim(claim: Claim, dpi: Dpi, today: date) -> None:
    """The rules a claim meets on the day it is (re-)submitted, in rule order."""
    check_passed(claim.outcome)  # SUB-3
    claim.validity.check_valid_on(today)  # SUB-4
    dpi.check_deadline(today)  # SUB-7, SUB-8.finished


class Submission(Aggregate):
    class Submitted(Aggregate.Created):
        university_code: str
        nim: str
        entry_id: UUID  # with university and NIM, the submission's id: one per student and entry
        student_id: UUID
        claim: Claim
        review: Review
        cause: Cause

    class Approved(Aggregate.Event):
        university_code: str
        nim: str
        on: date
        overdue: bool  # decided after its due date (SUB-9)
        rule_ids: tuple[str, ...]
        cause: Cause

    class Rejected(Aggregate.Event):
        """The remark is the cause's reason (SUB-8)."""

        university_code: str
        nim: str
        on: date
        overdue: bool
        rule_ids: tuple[str, ...]
        cause: Cause

    class Reuploaded(Aggregate.Event):
        """Unggah ulang: new evidence or corrected data; waiting for approval again, with a new due date."""

        university_code: str
        nim: str
        claim: Claim
        review: Review
        cause: Cause

    @classmethod
    def submit(
        cls,
        *,
        university_code: str,
        nim: str,
        student_id: UUID,
        claim: Claim,
        dpi: Dpi,
        today: date,
        calendar: WorkingCalendar,
        cause: Cause,
    ) -> Submission:
        check_claim(claim, dpi, today)
        submission: Submission = cls(  # the library's @event leaves the constructor untyped
            university_code=university_code,
            nim=nim,
            entry_id=claim.catalog.entry_id,
            student_id=student_id,
            claim=claim,
            review=_review(dpi, today, calendar),
            cause=cause,
        )
        return submission

    @event(Submitted)
    def __init__(
        self,
        university_code: str,
        nim: str,
        entry_id: UUID,
        student_id: UUID,
        claim: Claim,
        review: Review,
        cause: Cause,
    ) -> None:
        self.university_code = university_code
        self.nim = nim
        self.student_id = student_id
        self.claim = claim
        self.review = review
        self.status = SubmissionStatus.WAITING_FOR_APPROVAL

    @staticmethod
    def create_id(university_code: str, nim: str, entry_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"/universities/{university_code}/submissions/{nim}/{entry_id}")

    def check_new(self) -> None:
        """One submission per student and catalog entry (decided): a rejected one is re-uploaded instead."""
        if self.status is SubmissionStatus.REJECTED:
            raise violation(
                "SUB-8.reupload", "catalogEntryId", f"this certification was rejected; re-upload submission {self.id}"
            )
        raise violation(
            "SUB-8.once", "catalogEntryId", f"this certification is already submitted ({self.status}) as {self.id}"
        )

    def approve(self, *, dpi: Dpi, on: date, cause: Cause) -> None:
        self._check_waiting("approve")
        dpi.check_open()  # SUB-8.finished
        validity = self.claim.validity
        dpi.list_certification(
            Listing(
                submission_id=self.id,
                catalog=self.claim.catalog,
                result=self.claim.result,
                issued_on=validity.issued_on,
                valid_thru=validity.valid_thru,
                approved_on=on,
            ),
            cause,
        )
        self._approved(
            university_code=self.university_code,
            nim=self.nim,
            on=on,
            overdue=on > self.review.due_on,
            rule_ids=("SUB-8", "SUB-9"),
            cause=cause,
        )

    def reject(self, *, dpi: Dpi, remark: str | None, on: date, cause: Cause) -> None:
        self._check_waiting("reject")
        dpi.check_open()
        if remark is None:
            raise violation("SUB-8.remark", "remark", "a rejection needs a remark that tells the student why")
        self._rejected(
            university_code=self.university_code,
            nim=self.nim,
            on=on,
            overdue=on > self.review.due_on,
            rule_ids=("SUB-8", "SUB-9"),
            cause=replace(cause, reason=remark),
        )

    def reupload(self, *, claim: Claim, dpi: Dpi, today: date, calendar: WorkingCalendar, cause: Cause) -> None:
        if self.status is not SubmissionStatus.REJECTED:
            raise violation(
                "SUB-8.reupload",
                "submissionId",
                f"only a rejected submission is re-uploaded; this one is {self.status}",
            )
        if claim.catalog.entry_id != self.claim.catalog.entry_id:
            raise violation("SUB-8.reupload", "catalogEntryId", "a re-upload is for the same catalog entry")
        check_claim(claim, dpi, today)
        if claim == self.claim:
            raise violation("SUB-8.reupload", "evidence", "a re-upload brings new evidence or corrected data")
        self._reuploaded(
            university_code=self.university_code,
            nim=self.nim,
            claim=claim,
            review=_review(dpi, today, calendar),
            cause=cause,
        )

    def _check_waiting(self, verb: str) -> None:
        if self.status is not SubmissionStatus.WAITING_FOR_APPROVAL:
            raise violation(
                "SUB-8",
                "submissionId",
                f"only a submission waiting for approval can be {verb}d; this one is {self.status}",
            )

    @event(Approved)
    def _approved(
        self, university_code: str, nim: str, on: date, overdue: bool, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.status = SubmissionStatus.APPROVED

    @event(Rejected)
    def _rejected(
        self, university_code: str, nim: str, on: date, overdue: bool, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.status = SubmissionStatus.REJECTED

    @event(Reuploaded)
    def _reuploaded(self, university_code: str, nim: str, claim: Claim, review: Review, cause: Cause) -> None:
        self.claim = claim
        self.review = review
        self.status = SubmissionStatus.WAITING_FOR_APPROVAL


def _review(dpi: Dpi, today: date, calendar: WorkingCalendar) -> Review:
    return Review(submitted_on=today, deadline=dpi.deadline, due_on=review_due(calendar, today), calendar=calendar.id)
