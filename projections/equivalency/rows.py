"""Rows of the equivalency context's read models, as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.equivalency.application import EquivalencyApplication


def application_record_id(registration_number: str) -> str:
    """An application's aggregate id: for the audit tools, and the key of its staff reads (PDP-R)."""
    return str(EquivalencyApplication.create_id(registration_number))


def application_uuid(registration_number: str) -> UUID:
    return EquivalencyApplication.create_id(registration_number)


@dataclass(frozen=True)
class ChecklistRow:
    item_code: str
    rule_id: str
    indonesian: str
    english: str
    link_allowed: int
    asked: int
    uploaded: int


@dataclass(frozen=True)
class DocumentRow:
    item_code: str
    sha256: str | None
    size: int | None
    media_type: str | None
    url: str | None
    uploaded_on: str


@dataclass(frozen=True)
class EscalationRow:
    number: int
    kind: str
    request: str
    outcome: str | None
    answered_by: str | None
    items: str = ""
    asked_on: str = ""
    asked_by: str = ""
    answered_on: str | None = None


@dataclass(frozen=True)
class ReviewRow:
    number: int
    letter_reference: str
    reasons: str
    documents: str
    requested_on: str
    upheld: int | None
    deciders: str | None
    remark: str | None
    decided_on: str | None


@dataclass(frozen=True)
class DecisionRow:
    decision: int
    outcome: str
    sk_number: str | None
    equal_level: str | None
    rule_version: str | None
    rule_read: str | None
    reasons: str | None
    deciders: str
    decided_on: str
    recorded_by: str
    rule_ids: str
    version: int
    documents: list[DocumentRow] = field(default_factory=list)
    escalations: list[EscalationRow] = field(default_factory=list)


@dataclass(frozen=True)
class ApplicationRow:
    registration_number: str
    application_id: str
    account_id: str
    applicant_name: str
    access_code_hash: str
    country: str
    level: str
    university: str
    programme: str
    honours: int
    status: str
    registered_on: str
    complete_on: str | None
    deferral: str | None
    deferral_answer: str | None
    sk_number: str | None
    equal_level: str | None
    rule_version: str | None
    decided_on: str | None
    collected_on: str | None
    collected_unclaimed: int | None
    decisions: int
    pauses: list[tuple[str, str | None]] = field(default_factory=list)
