"""Certification submissions for the DPI (SUB-1 .. SUB-10), on students from the registry.

The context has its own log (``submissions``). It reads students from the registry's application and
records nothing there: no decision here rests on the academic record, only on the student's existence
and, for the printed DPI, on the graduation the registry recorded.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from application.authorization import DPI_PRINTERS, SSC, THESIS_DEADLINE_SETTERS, require, require_student
from application.files import OwnFile
from application.idempotency import keyed
from application.receipt import Receipt
from application.service import Service
from application.submission.catalog import CatalogCommands
from application.submission.claims import ClaimInput, parse_claim
from application.submission.receipt import SubmissionReceipt
from domain.audit import Cause
from domain.calendar import WorkingCalendar
from domain.errors import NotFound, violation
from domain.registry.codes import UniversityCode, student_key
from domain.registry.student import Student
from domain.submission.catalog import Catalog
from domain.submission.dpi import Dpi
from domain.submission.submission import Submission
from domain.text import REMARK_CHARS, optional_text


class Submissions(CatalogCommands):  # catalog and proposals (SUB-1, SUB-2): application/submission/catalog.py
    name = "submissions"
    snapshot_every: ClassVar[dict[type[Aggregate], int]] = {Catalog: 50}  # an event per entry and revision

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        registry: Service,
        calendar: WorkingCalendar,
        proposals_closed_from: date,
        own_file: OwnFile,
        **kw: Any,
    ):
        super().__init__(env, **kw)
        self.registry = registry
        self.calendar = calendar
        self.proposals_closed_from = proposals_closed_from
        self.own_file = own_file  # FILE.uploader: the actor's own uploads (infra.uploads)

    def submit_certification(
        self,
        *,
        university_code: str,
        nim: str,
        entry_id: UUID,
        claim: ClaimInput,
        cause: Cause,
        idempotency_key: str | None = None,
    ) -> SubmissionReceipt:
        require_student(cause.actor, university_code, nim)  # the role before the text: others learn nothing
        university_code, nim = student_key(university_code, nim)
        key = keyed(idempotency_key, cause, "submitCertification", entry=entry_id, claim=claim)

        def command() -> SubmissionReceipt:
            if (earlier := self.earlier(key, Submission)) is not None:  # IDEM-1: a retry answers the first result
                return self._receipt(*earlier)
            today = self.today()
            student = self._student(university_code, nim)
            catalog = self.find(Catalog, Catalog.create_id(university_code))
            if catalog is None:
                raise violation("SUB-1", "catalogEntryId", "the university's certification catalog is empty")
            entry = catalog.entry(entry_id)  # SUB-1
            parsed = parse_claim(claim, entry.ref(), today, partial(self.own_file, cause.actor))
            existing = self.find(Submission, Submission.create_id(university_code, nim, entry_id))
            if existing is not None:
                existing.check_new()
            dpi = self._dpi(university_code, nim, student, cause)
            submission = Submission.submit(
                university_code=university_code,
                nim=nim,
                student_id=student.id,
                claim=parsed,
                dpi=dpi,
                today=today,
                calendar=self.calendar,
                cause=cause,
            )
            claims = (key.claim(submission),) if key else ()
            return self._receipt(submission, self.commit(submission, dpi, *claims))

        return self.retrying(command)

    def reupload_submission(
        self, *, university_code: str, nim: str, submission_id: UUID, claim: ClaimInput, cause: Cause
    ) -> SubmissionReceipt:
        require_student(cause.actor, university_code, nim)  # the role before the text: others learn nothing
        university_code, nim = student_key(university_code, nim)

        def command() -> SubmissionReceipt:
            today = self.today()
            submission = self._submission(university_code, submission_id)
            if submission.nim != nim:
                raise NotFound("submission", str(submission_id))
            parsed = parse_claim(claim, submission.claim.catalog, today, partial(self.own_file, cause.actor))
            dpi = self._dpi(university_code, nim, self._student(university_code, nim), cause)
            submission.reupload(claim=parsed, dpi=dpi, today=today, calendar=self.calendar, cause=cause)
            return self._receipt(submission, self.commit(submission, dpi))

        return self.retrying(command)

    def approve_submission(self, *, university_code: str, submission_id: UUID, cause: Cause) -> SubmissionReceipt:
        university_code = UniversityCode.parse(university_code).value
        require(cause.actor, SSC, university_code)

        def command() -> SubmissionReceipt:
            submission = self._submission(university_code, submission_id)
            dpi = self._existing_dpi(university_code, submission.nim)
            submission.approve(dpi=dpi, on=self.today(), cause=cause)  # listed on the DPI in the same save
            return self._receipt(submission, self.commit(submission, dpi))

        return self.retrying(command)

    def reject_submission(
        self, *, university_code: str, submission_id: UUID, remark: str | None, cause: Cause
    ) -> SubmissionReceipt:
        university_code = UniversityCode.parse(university_code).value
        remark = optional_text(remark, field="remark", max_chars=REMARK_CHARS, rule_id="SUB-8.remark", multiline=True)
        require(cause.actor, SSC, university_code)

        def command() -> SubmissionReceipt:
            submission = self._submission(university_code, submission_id)
            dpi = self._existing_dpi(university_code, submission.nim)
            submission.reject(dpi=dpi, remark=remark, on=self.today(), cause=cause)
            return self._receipt(submission, self.commit(submission, dpi))

        return self.retrying(command)

    def set_thesis_deadline(self, *, university_code: str, nim: str, deadline: date, cause: Cause) -> Receipt:
        """Batas unggah Final Thesis, the last day to submit (SUB-7), set by the university."""
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, THESIS_DEADLINE_SETTERS, university_code)
        Dpi.check_deadline_day(deadline, self.today())

        def command() -> Receipt:
            dpi = self._dpi(university_code, nim, self._student(university_code, nim), cause)
            dpi.set_deadline(deadline, cause)
            return self.receipt(self.commit(dpi))

        return self.retrying(command)

    def finish_dpi(self, *, university_code: str, nim: str, cause: Cause) -> Receipt:
        """The DPI is printed at graduation and no longer changes (SUB-8); the registry must know the yudisium."""
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, DPI_PRINTERS, university_code)

        def command() -> Receipt:
            student = self._student(university_code, nim)
            if student.graduation is None:
                raise violation("SUB-8.graduated", "nim", f"NIM {nim} has no graduation (yudisium) recorded yet")
            dpi = self._dpi(university_code, nim, student, cause)
            dpi.finish(on=self.today(), graduation_decree=student.graduation.decree_number, cause=cause)
            return self.receipt(self.commit(dpi))

        return self.retrying(command)

    def _student(self, university_code: str, nim: str) -> Student:
        return self.registry.load(Student, Student.create_id(university_code, nim), "student", nim)

    def _submission(self, university_code: str, submission_id: UUID) -> Submission:
        submission = self.find(Submission, submission_id)
        if submission is None or submission.university_code != university_code:
            raise NotFound("submission", str(submission_id))
        return submission

    def _dpi(self, university_code: str, nim: str, student: Student, cause: Cause) -> Dpi:
        return self.find(Dpi, Dpi.create_id(university_code, nim)) or Dpi(
            university_code=university_code, nim=nim, student_id=student.id, cause=cause
        )

    def _existing_dpi(self, university_code: str, nim: str) -> Dpi:
        return self.load(Dpi, Dpi.create_id(university_code, nim), "DPI", nim)

    def _receipt(self, submission: Submission, position: int | None) -> SubmissionReceipt:
        return SubmissionReceipt(
            self.name,
            position,
            submission_id=submission.id,
            status=submission.status.value,
            due_on=submission.review.due_on,
        )
