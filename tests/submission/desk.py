"""A small language for the submission context in tests: a catalog, a student, their submissions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from application.submission.claims import ClaimInput
from application.submission.receipt import SubmissionReceipt
from application.submission.submissions import Submissions
from domain.audit import Actor, Cause, Role
from domain.submission.claim import GradingType, Outcome
from domain.submission.entry import EntryDetails, IssuerKind, IssuerOrigin
from tests.world import UNIVERSITY, World

NIM = "2020001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def student(nim: str = NIM, university: str = UNIVERSITY) -> Cause:
    return Cause(Actor(nim, Role.STUDENT, university), request_id="req-test")


def ssc(university: str = UNIVERSITY, reason: str | None = None) -> Cause:
    return Cause(Actor("ssc@test", Role.SSC_STAFF, university), request_id="req-test", reason=reason)


def jakarta_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)  # 12:00 WIB


AWS = EntryDetails.parse(
    issuer="Amazon Web Services",
    issuer_kind=IssuerKind.TECHNOLOGY_COMPANY,
    origin=IssuerOrigin.FOREIGN,
    category="Cloud",
    name="AWS Certified Cloud Practitioner",
)
TOEFL = EntryDetails.parse(
    issuer="ETS",
    issuer_kind=IssuerKind.PRIVATE_COMPANY,
    origin=IssuerOrigin.FOREIGN,
    category="Language",
    name="TOEFL ITP",
)


def claim(**changes: Any) -> ClaimInput:
    base = ClaimInput(
        outcome=Outcome.PASSED,
        grading=GradingType.NUMERIC,
        result="850",
        scale="1000",
        issued_on=date(2024, 6, 1),
        valid_thru=date(2027, 6, 1),
        no_expiry=False,
        evidence_file=None,
        evidence_url="https://www.credly.com/badges/0f1e2d3c",
    )
    return replace(base, **changes)


class Desk:
    """The submission context of a ``World``: the registry's student plus a catalog with two entries."""

    def __init__(self, world: World) -> None:
        self.world = world
        services = world.container.services.submission
        self.app: Submissions = services.commands
        self.view = services.view
        self.files = services.files
        self.entries: dict[str, UUID] = {}

    def position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def catalog(self) -> Desk:
        for details in (AWS, TOEFL):
            receipt = self.app.add_catalog_entry(university_code=UNIVERSITY, details=details, cause=ssc())
            assert receipt.entry_id is not None
            self.entries[details.name] = receipt.entry_id
        return self

    @property
    def aws(self) -> UUID:
        return self.entries[AWS.name]

    def submit(self, entry: UUID | None = None, nim: str = NIM, **changes: Any) -> SubmissionReceipt:
        return self.app.submit_certification(
            university_code=UNIVERSITY, nim=nim, entry_id=entry or self.aws, claim=claim(**changes), cause=student(nim)
        )

    def approve(self, submission_id: UUID | None) -> SubmissionReceipt:
        assert submission_id is not None
        return self.app.approve_submission(university_code=UNIVERSITY, submission_id=submission_id, cause=ssc())

    def reject(self, submission_id: UUID | None, remark: str | None = "the scan is unreadable") -> SubmissionReceipt:
        assert submission_id is not None
        return self.app.reject_submission(
            university_code=UNIVERSITY, submission_id=submission_id, remark=remark, cause=ssc()
        )

    def reupload(self, submission_id: UUID | None, nim: str = NIM, **changes: Any) -> SubmissionReceipt:
        assert submission_id is not None
        return self.app.reupload_submission(
            university_code=UNIVERSITY, nim=nim, submission_id=submission_id, claim=claim(**changes), cause=student(nim)
        )

    def deadline(self, day: date, nim: str = NIM) -> None:
        self.app.set_thesis_deadline(university_code=UNIVERSITY, nim=nim, deadline=day, cause=ssc())
