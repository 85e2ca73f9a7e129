"""Rows of the submission context's read models, as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass

from domain.submission.dpi import Dpi


@dataclass(frozen=True)
class CatalogRow:
    university_code: str
    entry_id: str
    revision: int
    issuer: str
    issuer_kind: str
    origin: str
    category: str
    name: str
    withdrawn: int


@dataclass(frozen=True)
class ProposalRow:
    proposal_id: str
    university_code: str
    nim: str
    issuer: str
    issuer_kind: str
    origin: str
    category: str
    name: str
    status: str
    proposed_on: str
    remark: str | None
    entry_id: str | None
    decided_by: str | None


@dataclass(frozen=True)
class SubmissionRow:
    submission_id: str
    university_code: str
    nim: str
    entry_id: str
    revision: int
    issuer: str
    issuer_kind: str
    origin: str
    category: str
    name: str
    outcome: str
    grading: str
    result: str
    issued_on: str
    valid_thru: str | None
    evidence_sha256: str | None
    evidence_size: int | None
    evidence_type: str | None
    evidence_url: str | None
    status: str
    submitted_on: str
    due_on: str  # SUB-9
    deadline: str | None  # SUB-7, as it stood when (re-)submitted
    calendar: str
    decided_on: str | None
    decided_by: str | None
    remark: str | None  # SUB-8: why it was rejected
    overdue: int  # decided after its due date
    uploads: int


@dataclass(frozen=True)
class DpiLine:
    submission_id: str
    entry_id: str
    revision: int
    issuer: str
    issuer_kind: str
    origin: str
    category: str
    name: str
    result: str
    issued_on: str
    valid_thru: str | None
    approved_on: str


@dataclass(frozen=True)
class DpiRow:
    university_code: str
    nim: str
    deadline: str | None
    finished_on: str | None
    graduation_decree: str | None
    lines: tuple[DpiLine, ...]

    @property
    def status(self) -> str:
        return "FINISHED" if self.finished_on else "OPEN"

    @property
    def record_id(self) -> str:
        """The DPI's aggregate id: for the audit tools."""
        return str(Dpi.create_id(self.university_code, self.nim))
