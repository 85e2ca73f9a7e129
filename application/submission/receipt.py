"""What the submission context's commands return beyond a position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.receipt import Receipt


@dataclass(frozen=True)
class CatalogReceipt(Receipt):
    entry_id: UUID | None = None


@dataclass(frozen=True)
class ProposalReceipt(Receipt):
    proposal_id: UUID | None = None
    status: str = ""
    entry_id: UUID | None = None  # once accepted


@dataclass(frozen=True)
class SubmissionReceipt(Receipt):
    submission_id: UUID | None = None
    status: str = ""
    due_on: date | None = None  # SUB-9
