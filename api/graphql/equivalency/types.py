"""What the equivalency context's queries return, read from its read models."""

from __future__ import annotations

from datetime import date

import strawberry

from api.graphql.arguments import optional_day
from api.graphql.connection import Connection
from api.graphql.enums import EquivalencyStatusEnum, EscalationEnum, ForeignLevelEnum
from api.graphql.registry.inputs import LevelEnum
from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.kinds import Escalation, Status
from domain.equivalency.unclaimed import is_unclaimed, unclaimed_from
from domain.registry.level import Level
from projections.equivalency.rows import (
    ApplicationRow,
    ChecklistRow,
    DecisionRow,
    DocumentRow,
    EscalationRow,
    ReviewRow,
    application_record_id,
)


@strawberry.type(description="An item of the checklist (EQV-2) and whether its document is in.")
class ChecklistItem:
    item_code: str
    rule_id: str
    indonesian: str
    english: str
    link_allowed: bool
    asked_by_team: bool
    uploaded: bool

    @classmethod
    def from_row(cls, r: ChecklistRow) -> ChecklistItem:
        return cls(
            item_code=r.item_code,
            rule_id=r.rule_id,
            indonesian=r.indonesian,
            english=r.english,
            link_allowed=bool(r.link_allowed),
            asked_by_team=bool(r.asked),
            uploaded=bool(r.uploaded),
        )


@strawberry.type
class EquivalencyDocument:
    item_code: str
    sha256: str | None
    size: int | None
    media_type: str | None
    url: str | None
    uploaded_on: date

    @classmethod
    def from_row(cls, r: DocumentRow) -> EquivalencyDocument:
        return cls(
            item_code=r.item_code,
            sha256=r.sha256,
            size=r.size,
            media_type=r.media_type,
            url=r.url,
            uploaded_on=date.fromisoformat(r.uploaded_on),
        )


@strawberry.type(description="EQV-3: what the team asked, who asked and when, and the outcome.")
class EscalationRecord:
    number: int
    kind: EscalationEnum  # type: ignore[valid-type]
    request: str
    asked_by: str | None
    asked_on: date | None
    outcome: str | None
    answered_by: str | None
    answered_on: date | None

    @classmethod
    def from_row(cls, r: EscalationRow) -> EscalationRecord:
        return cls(
            number=r.number,
            kind=Escalation(r.kind),
            request=r.request,
            asked_by=r.asked_by or None,
            asked_on=optional_day(r.asked_on),
            outcome=r.outcome,
            answered_by=r.answered_by,
            answered_on=optional_day(r.answered_on),
        )


@strawberry.type
class ReviewRecord:
    number: int
    letter_reference: str
    reasons: str
    documents: list[str] = strawberry.field(description="SHA-256 of each supporting document")
    requested_on: date
    upheld: bool | None
    deciders: list[str]
    remark: str | None
    decided_on: date | None

    @classmethod
    def from_row(cls, r: ReviewRow) -> ReviewRecord:
        return cls(
            number=r.number,
            letter_reference=r.letter_reference,
            reasons=r.reasons,
            documents=r.documents.split(", ") if r.documents else [],
            requested_on=date.fromisoformat(r.requested_on),
            upheld=None if r.upheld is None else bool(r.upheld),
            deciders=r.deciders.split("\n") if r.deciders else [],
            remark=r.remark,
            decided_on=optional_day(r.decided_on),
        )


@strawberry.type(description="The SK of equivalency and its collection (EQV-4 .. EQV-6).")
class SkOfEquivalency:
    sk_number: str
    level: LevelEnum = strawberry.field(description="The Indonesian level the foreign diploma is equal to (EQV-4)")  # type: ignore[valid-type]
    rule_version: str
    issued_on: date
    collected_on: date | None
    unclaimed_from: date
    unclaimed: bool = strawberry.field(description="not collected six months after issue, as of today (EQV-6)")
    replacement_letters: list[str]


@strawberry.type
class EquivalencyApplicationView:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    registration_number: str
    applicant_name: str
    status: EquivalencyStatusEnum  # type: ignore[valid-type]
    country: str
    level: ForeignLevelEnum  # type: ignore[valid-type]
    university: str
    programme: str
    honours: bool
    registered_on: date
    complete_on: date | None
    working_days: int = strawberry.field(
        description="the team's working days since the file was complete, pauses apart"
    )
    waiting_for_applicant: bool
    deferral_reasons: list[str]
    deferral_answer: str | None
    missing: list[str]
    checklist: list[ChecklistItem]
    documents: list[EquivalencyDocument]
    escalations: list[EscalationRecord]
    reviews: list[ReviewRecord]
    sk: SkOfEquivalency | None

    @classmethod
    def build(
        cls,
        row: ApplicationRow,
        working_days: int,
        checklist: list[ChecklistRow],
        documents: list[DocumentRow],
        escalations: list[EscalationRow],
        reviews: list[ReviewRow],
        replacements: list[str],
        today: date,
    ) -> EquivalencyApplicationView:
        sk = None
        if row.sk_number and row.equal_level and row.rule_version and row.decided_on:
            issued = date.fromisoformat(row.decided_on)
            collected = optional_day(row.collected_on)
            sk = SkOfEquivalency(
                sk_number=row.sk_number,
                level=Level(row.equal_level),
                rule_version=row.rule_version,
                issued_on=issued,
                collected_on=collected,
                unclaimed_from=unclaimed_from(issued),
                unclaimed=is_unclaimed(issued, collected, today),
                replacement_letters=replacements,
            )
        return cls(
            aggregate_id=row.application_id,
            registration_number=row.registration_number,
            applicant_name=row.applicant_name,
            status=Status(row.status),
            country=row.country,
            level=ForeignLevel(row.level),
            university=row.university,
            programme=row.programme,
            honours=bool(row.honours),
            registered_on=date.fromisoformat(row.registered_on),
            complete_on=optional_day(row.complete_on),
            working_days=working_days,
            waiting_for_applicant=row.status == "WAITING_FOR_APPLICANT",
            deferral_reasons=row.deferral.split("\n") if row.deferral else [],
            deferral_answer=row.deferral_answer,
            missing=[c.item_code for c in checklist if not c.uploaded],
            checklist=[ChecklistItem.from_row(c) for c in checklist],
            documents=[EquivalencyDocument.from_row(d) for d in documents],
            escalations=[EscalationRecord.from_row(e) for e in escalations],
            reviews=[ReviewRecord.from_row(r) for r in reviews],
            sk=sk,
        )


@strawberry.type(description="EQV-8: a decision and exactly what it was based on, as of the decision.")
class DecisionBasisView:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    decision_id: str = strawberry.field(description="The decision's id, for replayDecision")
    registration_number: str
    decision: int
    outcome: str
    sk_number: str | None
    level: LevelEnum | None  # type: ignore[valid-type]
    rule_version: str | None
    rule_read: list[str] = strawberry.field(description="what the rule read: country, foreign level, features")
    reasons: list[str]
    decided_by: list[str]
    recorded_by: str
    decided_on: date
    rule_ids: list[str]
    version: int = strawberry.field(description="the application's version at the decision, for a replay")
    documents: list[EquivalencyDocument]
    escalations: list[EscalationRecord]

    @classmethod
    def from_row(cls, registration_number: str, r: DecisionRow) -> DecisionBasisView:
        aggregate_id = application_record_id(registration_number)
        return cls(
            aggregate_id=aggregate_id,
            decision_id=f"{aggregate_id}/{r.version}",
            registration_number=registration_number,
            decision=r.decision,
            outcome=r.outcome,
            sk_number=r.sk_number,
            level=Level(r.equal_level) if r.equal_level else None,
            rule_version=r.rule_version,
            rule_read=r.rule_read.split("\n") if r.rule_read else [],
            reasons=r.reasons.split("\n") if r.reasons else [],
            decided_by=r.deciders.split("\n"),
            recorded_by=r.recorded_by,
            decided_on=date.fromisoformat(r.decided_on),
            rule_ids=r.rule_ids.split(", "),
            version=r.version,
            documents=[EquivalencyDocument.from_row(d) for d in r.documents],
            escalations=[EscalationRecord.from_row(e) for e in r.escalations],
        )


@strawberry.type
class EquivalencyQueueItem:
    aggregate_id: str = strawberry.field(description="The record's id, for the audit tools (history, asOf)")
    registration_number: str
    applicant_name: str
    status: EquivalencyStatusEnum  # type: ignore[valid-type]
    country: str
    level: ForeignLevelEnum  # type: ignore[valid-type]
    complete_on: date | None
    working_days: int

    @classmethod
    def from_row(cls, r: ApplicationRow, working_days: int) -> EquivalencyQueueItem:
        return cls(
            aggregate_id=r.application_id,
            registration_number=r.registration_number,
            applicant_name=r.applicant_name,
            status=Status(r.status),
            country=r.country,
            level=ForeignLevel(r.level),
            complete_on=optional_day(r.complete_on),
            working_days=working_days,
        )


@strawberry.type(description="The team's work queue (EQV-1): complete files by how long they have been complete.")
class EquivalencyQueue(Connection[EquivalencyQueueItem]):
    status: EquivalencyStatusEnum  # type: ignore[valid-type]
