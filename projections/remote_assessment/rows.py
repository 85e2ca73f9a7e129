"""Rows of the remote-assessment read model (ASM-5), as BNSP and the LSP read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemoteApplicationRow:
    lsp_code: str
    number: int
    status: str  # domain.assessment.remote.ApplicationStatus
    sop_sha256: str
    technology_sha256: str
    technology: str
    applied_at: str  # UTC, to the second
    applied_by: str
    decided_at: str | None
    decided_by: str | None
    reason: str | None


@dataclass(frozen=True)
class RemoteRequirementsRow:
    lsp_code: str
    skema_code: str
    requirements: str  # codes joined by spaces, sorted
