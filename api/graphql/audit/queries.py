"""Auditors' and legal staff's queries (issue 12, item 1): any aggregate's history and its state as of any
version or instant, read from the event log itself. Personal data stays sealed in both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar, cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.audit.inputs import RecordKeyInput
from api.graphql.audit.types import AuditHistory, AuditState, PersonalDataReportView, ReplayedDecisionView
from api.graphql.connection import Slice
from api.graphql.context import Context
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from application.audit.personal_data_access import Subject, report_for
from application.audit.reads import SeenView
from application.audit.record_keys import record_id
from application.audit.trail import AUDIT_RULE, AggregateHistory, PastState
from application.authorization import AUDIT_READERS, require
from domain import errors

HistoryResult = Annotated[AuditHistory | NotAuthorized | RuleViolation, strawberry.union("HistoryQueryResult")]
ReplayResult = Annotated[
    ReplayedDecisionView | NotAuthorized | RuleViolation, strawberry.union("ReplayDecisionQueryResult")
]
PersonalDataResult = Annotated[
    PersonalDataReportView | NotAuthorized | RuleViolation, strawberry.union("PersonalDataReportQueryResult")
]
AsOfResult = Annotated[AuditState | NotAuthorized | RuleViolation, strawberry.union("AsOfQueryResult")]


T = TypeVar("T")


async def _audited(
    ctx: Context, aggregate_id: str | None, record: RecordKeyInput | None, read: Callable[[UUID], T | None]
) -> T | NotAuthorized | RuleViolation | None:
    """An auditor's or legal staff's read of one aggregate, by its id or its business key; a refusal as data."""
    try:
        require(ctx.signed_in(), AUDIT_READERS)
        if (aggregate_id is None) == (record is None):
            raise errors.violation(AUDIT_RULE, "aggregateId", "name the record by aggregateId or by record, not both")
        trail = ctx.services.audit.trail

        def located() -> T | None:
            wanted = (
                parse_id(aggregate_id, "aggregateId", AUDIT_RULE)
                if aggregate_id is not None
                else record_id(trail, record.key())  # type: ignore[union-attr]
            )
            return read(wanted) if wanted is not None else None

        return await ctx.run(located)
    except errors.DomainError as e:
        return read_refusal(e)


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="An aggregate's events, any context: auditors and legal staff. The record is named by its "
        "aggregateId or by its business key (record). Null: no such record."
    )
    async def history(
        self,
        info: Info[Context, None],
        aggregate_id: str | None = None,
        first: int = 100,
        after: str | None = None,
        record: RecordKeyInput | None = None,
    ) -> HistoryResult | None:
        trail = info.context.services.audit.trail
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        found = await _audited(
            info.context,
            aggregate_id,
            record,
            lambda a: trail.history(a, after_version=page.offset, first=page.limit),
        )
        return AuditHistory.of(found, page) if isinstance(found, AggregateHistory) else found

    @strawberry.field(
        description="An aggregate's state as of a version or an instant (with its zone), named by aggregateId or by "
        "record. Null: it did not exist then."
    )
    async def as_of(
        self,
        info: Info[Context, None],
        aggregate_id: str | None = None,
        version: int | None = None,
        at: datetime | None = None,
        record: RecordKeyInput | None = None,
    ) -> AsOfResult | None:
        trail = info.context.services.audit.trail
        found = await _audited(info.context, aggregate_id, record, lambda a: trail.as_of(a, version=version, at=at))
        return AuditState.of(found) if isinstance(found, PastState) else found

    @strawberry.field(
        description="A recorded decision (a NINA reservation or pairing, an SK of equivalency) re-evaluated under "
        "another ruleset version, from the live log: which rule results differ. Changes nothing. Named by decisionId "
        "(as history shows it) or by record: an SK number names the decision that issued it; another key its "
        "record's decisions, counted from 1 by decision (the latest when left out; a student's are their "
        "diploma's). Null: no such event or record."
    )
    async def replay_decision(
        self,
        info: Info[Context, None],
        ruleset_id: str,
        decision_id: str | None = None,
        record: RecordKeyInput | None = None,
        decision: int | None = None,
    ) -> ReplayResult | None:
        ctx = info.context
        try:
            require(ctx.signed_in(), AUDIT_READERS)
            replays = ctx.services.audit.decisions
            if (decision_id is None) == (record is None):
                raise errors.violation(AUDIT_RULE, "decisionId", "name the decision by decisionId or by record")
            if record is not None:
                key = record.key()
                found = await ctx.run(lambda: replays.of_record(key, ruleset_id, decision))
            else:
                named = decision_id or ""
                found = await ctx.run(lambda: replays.replay(named, ruleset_id))
        except errors.DomainError as e:
            return read_refusal(e)
        return ReplayedDecisionView.of(found) if found is not None else None

    @strawberry.field(
        description="UU PDP: a person's data and its processing trail (every event that processed it, and who "
        "verified their diploma or certificate), named once: universityCode and nim (a student), lspCode and "
        "candidateNumber (a competency candidate), or applicantAccount (an equivalency applicant). For the person "
        "themself, or the controller of their data. The same as a readable PDF at /personal-data.pdf with the "
        "same arguments. Null: no such person."
    )
    async def personal_data_report(
        self,
        info: Info[Context, None],
        university_code: str | None = None,
        nim: str | None = None,
        lsp_code: str | None = None,
        candidate_number: str | None = None,
        applicant_account: str | None = None,
    ) -> PersonalDataResult | None:
        ctx = info.context
        subject = Subject(university_code, nim, lsp_code, candidate_number, applicant_account)
        try:
            actor, reports = ctx.signed_in(), ctx.services.audit.personal_data
            found = await ctx.run(lambda: report_for(reports, actor, subject))
        except errors.DomainError as e:
            return read_refusal(e)
        if found is not None and found.person_id is not None:
            ctx.saw(SeenView.PERSONAL_DATA_REPORT, [found.person_id])  # PDP-R
        return PersonalDataReportView(report=cast(JSON, found.as_json())) if found is not None else None
