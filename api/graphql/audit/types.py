"""What auditors and legal staff read: an aggregate's events and its state as it stood (issue 12, item 1)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from api.graphql.connection import Connection, Slice, connection
from application.audit.trail import AggregateHistory, PastState
from domain.audit.record import EventRecord
from domain.audit.replayed import ReplayedDecision


@strawberry.type(description="Who caused an event: the actor's id, role and institution (a university or LSP).")
class AuditActor:
    id: str
    role: str
    institution: str | None
    issuer: str | None = strawberry.field(
        default=None, description="The OpenID Connect issuer that signed the person in; none for a development token"
    )
    subject: str | None = strawberry.field(default=None, description="The issuer's own id of the person (sub)")


@strawberry.type(description="One stored event: who, when, why, which request, and for a decision its rules.")
class AuditEvent:
    decision_id: str | None = strawberry.field(description="For a decision: its id for replayDecision")
    context: str = strawberry.field(description="The log it is in: diplomas, submissions, assessments, equivalencies")
    position: int | None = strawberry.field(description="Its position in that log")
    version: int
    type: str = strawberry.field(description="Aggregate.Event, e.g. Diploma.NINAReserved")
    at: datetime
    actor: AuditActor | None
    request_id: str | None
    reason: str | None
    rule_ids: list[str] = strawberry.field(description="The rules a decision applied (DOMAIN.md ids)")
    ruleset: str | None = strawberry.field(description="The ruleset version a decision applied")
    inputs: JSON | None = strawberry.field(description="What a decision saw, as it recorded it")
    payload: JSON = strawberry.field(description="Everything else it recorded; personal data stays sealed")

    @classmethod
    def of(cls, r: EventRecord) -> AuditEvent:
        actor = (
            AuditActor(
                id=r.actor_id,
                role=r.actor_role,
                institution=r.actor_institution,
                issuer=r.actor_issuer,
                subject=r.actor_subject,
            )
            if r.actor_id and r.actor_role
            else None
        )
        return cls(
            decision_id=f"{r.aggregate_id}/{r.version}" if r.rule_ids else None,
            context=r.context,
            position=r.position,
            version=r.version,
            type=r.type,
            at=r.at,
            actor=actor,
            request_id=r.request_id,
            reason=r.reason,
            rule_ids=list(r.rule_ids),
            ruleset=r.ruleset,
            inputs=cast(JSON, dict(r.inputs)) if r.inputs is not None else None,
            payload=cast(JSON, dict(r.payload)),
        )


@strawberry.type(
    description="An aggregate's events, a page at a time in version order (totalCount: its latest version)."
)
class AuditHistory(Connection[AuditEvent]):
    aggregate_id: str
    context: str
    type: str
    version: int = strawberry.field(description="Its latest version")

    @classmethod
    def of(cls, h: AggregateHistory, page: Slice) -> AuditHistory:
        # An event's cursor is its position in the aggregate's own order: version v is row v - 1.
        events = connection(page, h.events, h.version, AuditEvent.of)
        return cls(**vars(events), aggregate_id=str(h.aggregate_id), context=h.context, type=h.type, version=h.version)


@strawberry.type(description="An aggregate's state as it stood at a version or an instant, replayed from its log.")
class AuditState:
    aggregate_id: str
    context: str
    type: str
    version: int = strawberry.field(description="The version it had then")
    at: datetime = strawberry.field(description="When that version was recorded")
    asked: str = strawberry.field(description="What was asked: a version, or an instant")
    state: JSON

    @classmethod
    def of(cls, s: PastState) -> AuditState:
        return cls(
            aggregate_id=str(s.aggregate_id),
            context=s.context,
            type=s.type,
            version=s.version,
            at=s.at,
            asked=s.asked,
            state=cast(JSON, s.state),
        )


@strawberry.type(description="One rule's result under the recorded ruleset and under the other one.")
class RuleResultView:
    rule_id: str
    recorded: str | None = strawberry.field(description="pass, fail, or what it gave (a level); null: not applied")
    replayed: str | None
    differs: bool
    message: str | None


@strawberry.type(description="A recorded decision re-evaluated under another ruleset version. Nothing is changed.")
class ReplayedDecisionView:
    decision_id: str
    type: str
    recorded_ruleset: str
    replayed_ruleset: str
    recorded_outcome: str
    replayed_outcome: str
    reproduced: bool = strawberry.field(
        description="Its own ruleset, from the inputs it recorded, gives what it recorded (else: do not rely on this)"
    )
    differs: bool
    rules: list[RuleResultView]
    inputs: JSON

    @classmethod
    def of(cls, d: ReplayedDecision) -> ReplayedDecisionView:
        return cls(
            decision_id=d.decision_id,
            type=d.type,
            recorded_ruleset=d.recorded_ruleset,
            replayed_ruleset=d.replayed_ruleset,
            recorded_outcome=d.recorded_outcome,
            replayed_outcome=d.replayed_outcome,
            reproduced=d.reproduced,
            differs=d.differs,
            rules=[
                RuleResultView(
                    rule_id=r.rule_id, recorded=r.recorded, replayed=r.replayed, differs=r.differs, message=r.message
                )
                for r in d.rules
            ],
            inputs=cast(JSON, dict(d.inputs)),
        )


@strawberry.type(
    description="UU PDP: subject, generatedAt, erased, personalData (null once erased), records (what is held, by "
    "aggregate) and trail (at, context, what, by, reason, requestId, and text: the same in words, {id, en}; oldest "
    "first)."
)
class PersonalDataReportView:
    report: JSON
