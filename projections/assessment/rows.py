"""Rows of the assessment context's read models, as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.assessment.certificate import Certificate
from domain.assessment.people import Asesi


def candidate_record_id(lsp_code: str, candidate_number: str) -> UUID:
    """A candidate's (asesi's) record id: the key of what is held about them (PDP-R)."""
    return Asesi.create_id(lsp_code, candidate_number)


@dataclass(frozen=True)
class AssessmentRow:
    assessment_id: str
    lsp_code: str
    candidate_number: str
    candidate_name: str
    skema_code: str
    skema_version: int
    assessed_on: str
    tuk_code: str
    mode: str
    stage: str
    recommendation: str | None
    result: str | None
    next_step: int | None
    due_at: str | None  # UTC, to the second
    calendar: str | None
    members: str | None
    appeals: int
    opened_at: str
    updated_at: str
    review_due_at: str | None = None  # ASM-9: the review of the process is owed by then; None when none is owed

    def overdue(self, now: str) -> bool:
        return self.due_at is not None and self.due_at < now


@dataclass(frozen=True)
class StepRow:
    step: int
    done_at: str
    overdue: int
    reference: str | None
    done_by: str


@dataclass(frozen=True)
class UnitRow:
    unit_code: str
    recommendation: str
    asesor_number: str


@dataclass(frozen=True)
class EvidenceRow:
    seq: int
    unit_code: str
    element: int
    sha256: str
    size: int
    media_type: str
    description: str
    valid: int
    authentic: int
    current: int
    sufficient: int
    asesor_number: str
    recorded_at: str


@dataclass(frozen=True)
class AppealRow:
    number: int
    grounds: str
    appealed_on: str
    upheld: int | None
    decided_by: str | None
    remark: str | None


@dataclass(frozen=True)
class StepCount:
    step: int
    candidates: int
    overdue: int


@dataclass(frozen=True)
class CertificateRow:
    registration_number: str
    blangko_number: str
    assessment_id: str
    lsp_code: str
    skema_code: str
    skema_title: str
    candidate_number: str
    holder_name: str
    printed_on: str
    issued_on: str | None
    valid_until: str | None
    revoked_on: str | None
    revoke_reason: str | None
    lsp_name: str | None = None  # ASM-2.name, from the LSP's licence; None: licensed before names were recorded

    @property
    def record_id(self) -> str:
        """The certificate's aggregate id: for the audit tools."""
        return str(Certificate.create_id(self.registration_number))

    def status(self, today: date) -> str:
        """ASM-7: as of ``today``: a revocation or an expiry shows wherever the certificate does."""
        if self.revoked_on is not None:
            return "REVOKED"
        if self.issued_on is None or self.valid_until is None:
            return "PRINTED"
        return "VALID" if today.isoformat() <= self.valid_until else "EXPIRED"


@dataclass(frozen=True)
class HandOverRow:
    """Tanda Terima Sertifikat Kompetensi (ASM-6 step 10)."""

    receiver: str
    representative_name: str | None
    relation: str | None
    received_at: str
    overdue: int
    handed_by: str


@dataclass(frozen=True)
class ProcessReviewRow:
    """A review of an assessment's process (ASM-9): no candidate's name, only their number at the LSP."""

    assessment_id: str
    lsp_code: str
    skema_code: str
    candidate_number: str
    reviewer: str
    planning: str
    evidence: str
    decision: str
    records: str
    follow_up: str | None
    reviewed_at: str
    overdue: int
