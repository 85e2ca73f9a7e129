"""Rows of BNSP's and the LSPs' registers; ``record_id`` is the aggregate id the audit tools take."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LicenceRow:
    lsp_code: str
    record_id: str
    kind: str
    skema_codes: str  # space-separated
    valid_from: str
    valid_until: str
    remote_assessment: int
    granted_at: str
    amended_at: str | None
    lsp_name: str | None = None  # ASM-2.name; None for a licence granted before names were recorded


@dataclass(frozen=True)
class SkemaRow:
    code: str
    record_id: str
    title: str
    skema_version: int
    units: str  # space-separated unit codes
    remote_requirements: str  # one a line
    published_at: str
    revised_at: str | None


@dataclass(frozen=True)
class AsesorRow:
    asesor_number: str
    record_id: str
    employer: str | None
    registered_at: str


@dataclass(frozen=True)
class AsesorSkemaRow:
    asesor_number: str
    skema_code: str
    valid_from: str
    valid_until: str


@dataclass(frozen=True)
class TukRow:
    lsp_code: str
    tuk_code: str
    record_id: str
    name: str
    kind: str
    facilities: str  # one a line
    registered_at: str


@dataclass(frozen=True)
class CommitteeMemberRow:
    lsp_code: str
    member_id: str
    record_id: str
    asesor_number: str | None
    appointed_at: str
    dismissed_at: str | None


@dataclass(frozen=True)
class BlangkoRow:
    number: str
    record_id: str
    lsp_code: str
    batch_reference: str
    received_at: str
    assessment_id: str | None
