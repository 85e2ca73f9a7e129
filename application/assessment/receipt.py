"""What the assessment context's commands return beyond a position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.receipt import Receipt


@dataclass(frozen=True)
class AssessmentReceipt(Receipt):
    assessment_ids: tuple[UUID, ...] = ()
    stage: str = ""  # of the last (or only) assessment
    next_step: int | None = None  # ASM-6
    due_at: datetime | None = None


@dataclass(frozen=True)
class CertificateReceipt(Receipt):
    registration_number: str = ""
    status: str = ""
