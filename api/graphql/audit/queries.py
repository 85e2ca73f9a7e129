"""Auditors' and legal staff's queries (issue 12, item 1): any aggregate's history and its state as of any
version or instant, read from the event log itself. Personal data stays sealed in both."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.audit.types import AuditHistory, AuditState, PersonalDataReportView, ReplayedDecisionView
from api.graphql.context import Context
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from application.audit.trail import AUDIT_RULE
from application.authorization import AUDIT_READERS, require, require_personal_data_reader
from domain import errors
from domain.registry.codes import student_key

HistoryResult = Annotated[AuditHistory | NotAuthorized | RuleViolation, strawberry.union("AuditHistoryResult")]
ReplayResult = Annotated[
    ReplayedDecisionView | NotAuthorized | RuleViolation, strawberry.union("ReplayedDecisionResult")
]
PersonalDataResult = Annotated[
    PersonalDataReportView | NotAuthorized | RuleViolation, strawberry.union("PersonalDataReportResult")
]
AsOfResult = Annotated[AuditState | NotAuthorized | RuleViolation, strawberry.union("AuditStateResult")]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="An aggregate's events, any context: auditors and legal staff. Null: no such id.")
    async def history(
        self, info: Info[Context, None], aggregate_id: str, after_version: int = 0, first: int = 100
    ) -> HistoryResult | None:
        ctx = info.context
        try:
            require(ctx.signed_in(), AUDIT_READERS)
            wanted = parse_id(aggregate_id, "aggregateId", AUDIT_RULE)
            trail = ctx.services.audit.trail
            found = await ctx.run(lambda: trail.history(wanted, after_version=after_version, first=first))
        except errors.DomainError as e:
            return read_refusal(e)
        return AuditHistory.of(found) if found is not None else None

    @strawberry.field(
        description="An aggregate's state as of a version or an instant (with its zone). Null: it did not exist then."
    )
    async def as_of(
        self, info: Info[Context, None], aggregate_id: str, version: int | None = None, at: datetime | None = None
    ) -> AsOfResult | None:
        ctx = info.context
        try:
            require(ctx.signed_in(), AUDIT_READERS)
            wanted = parse_id(aggregate_id, "aggregateId", AUDIT_RULE)
            trail = ctx.services.audit.trail
            found = await ctx.run(lambda: trail.as_of(wanted, version=version, at=at))
        except errors.DomainError as e:
            return read_refusal(e)
        return AuditState.of(found) if found is not None else None

    @strawberry.field(
        description="A recorded decision (a NINA reservation or pairing, an SK of equivalency) re-evaluated under "
        "another ruleset version: which rule results differ. Changes nothing. Null: no such event."
    )
    async def replay_decision(
        self, info: Info[Context, None], decision_id: str, ruleset_id: str
    ) -> ReplayResult | None:
        ctx = info.context
        try:
            require(ctx.signed_in(), AUDIT_READERS)
            replays = ctx.services.audit.decisions
            found = await ctx.run(lambda: replays.replay(decision_id, ruleset_id))
        except errors.DomainError as e:
            return read_refusal(e)
        return ReplayedDecisionView.of(found) if found is not None else None

    @strawberry.field(
        description="UU PDP: a student's personal data and its processing trail (every event that processed it, and "
        "who verified their diploma in SIVIL), for the student themself or their university's operator. The same "
        "as a readable PDF at /personal-data/{universityCode}/{nim}.pdf. Null: no such student."
    )
    async def personal_data_report(
        self, info: Info[Context, None], university_code: str, nim: str
    ) -> PersonalDataResult | None:
        ctx = info.context
        try:
            university, student = student_key(university_code, nim)
            require_personal_data_reader(ctx.signed_in(), university, student)
            reports = ctx.services.audit.personal_data
            found = await ctx.run(lambda: reports.of_student(university, student))
        except errors.DomainError as e:
            return read_refusal(e)
        return PersonalDataReportView(report=cast(JSON, found.as_json())) if found is not None else None
