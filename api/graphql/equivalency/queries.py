"""The equivalency context's queries. The team and legal staff read every application; an applicant their own, by
their account or by the registration number with the access code given at registration (EQV-1), never by
name. A miss and a wrong code read alike: null."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.audit.inputs import RecordKeyInput
from api.graphql.connection import Connection, Slice, connection, sliced
from api.graphql.context import Context
from api.graphql.enums import EquivalencyStatusEnum
from api.graphql.equivalency.types import (
    DecisionBasisView,
    EquivalencyApplicationView,
    EquivalencyQueue,
    EquivalencyQueueItem,
)
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from application.audit.reads import SeenView
from application.authorization import EQUIVALENCY_READERS
from application.equivalency.equivalencies import access_code_hash
from domain import errors
from domain.audit import Role
from domain.equivalency.kinds import Status, parse_registration_number, parse_sk_number, sk_key
from projections.equivalency.rows import ApplicationRow, DecisionRow, application_uuid
from projections.equivalency.view import EquivalencyView

LOG = "equivalencies"

ApplicationQueryResult = Annotated[
    EquivalencyApplicationView | NotAuthorized | RuleViolation, strawberry.union("EquivalencyApplicationQueryResult")
]
QueueResult = Annotated[
    EquivalencyQueue | NotAuthorized | RuleViolation, strawberry.union("EquivalencyQueueQueryResult")
]
MyApplicationsResult = Annotated[
    Connection[EquivalencyApplicationView] | NotAuthorized | RuleViolation,
    strawberry.union("MyEquivalencyApplicationsQueryResult"),
]
BasisResult = Annotated[DecisionBasisView | NotAuthorized | RuleViolation, strawberry.union("DecisionBasisQueryResult")]


def _code_matches(stored_hash: str, registration_number: str, code: str) -> bool:
    return hmac.compare_digest(stored_hash, access_code_hash(registration_number, code))


def registration_number_or_none(value: str) -> str | None:
    try:
        return parse_registration_number(value)
    except errors.RuleViolation:
        return None


@dataclass(frozen=True)
class _Named:
    """A decision as asked for: by the application's registration number and count, or by the SK it issued."""

    registration_number: str | None = None
    decision: int = 1
    sk: str | None = None  # sk_key of the SK number


def _decision_named(registration_number: str | None, record: RecordKeyInput | None, decision: int | None) -> _Named:
    if (registration_number is None) == (record is None):
        raise errors.violation("EQV-8", "registrationNumber", "name the application by registrationNumber or record")
    if record is not None:
        given = {name: value for name, value in vars(record.key()).items() if value is not None}
        if list(given) == ["sk_number"]:
            if decision is not None:
                raise errors.violation("EQV-8", "decision", "an SK number names its decision: leave decision out")
            return _Named(sk=sk_key(parse_sk_number(given["sk_number"])))
        if list(given) != ["registration_number"]:
            raise errors.violation("EQV-8", "record", "an application is named by registrationNumber or skNumber")
        registration_number = given["registration_number"]
    number = registration_number_or_none(registration_number or "")
    if number is None:
        raise errors.violation("EQV-1", "registrationNumber", "a registration number is PI-YYYY-NNNNNN")
    return _Named(number, decision if decision is not None else 1)


def _application_view(view: EquivalencyView, row: ApplicationRow, today: date) -> EquivalencyApplicationView:
    """An application with its checklist, documents, escalations, reviews and the current SK's letters."""
    number = row.registration_number
    return EquivalencyApplicationView.build(
        row,
        view.working_days(row, today),
        view.checklist(number),
        view.documents(number),
        view.escalations(number),
        view.reviews(number),
        [letter for letter, sk, *_ in view.replacements(number) if sk == row.sk_number],
        today,
    )


@strawberry.type
class EquivalencyQuery:
    @strawberry.field(description="One application: for the team, legal staff, its applicant, or with its access code.")
    async def equivalency_application(
        self,
        info: Info[Context, None],
        registration_number: str,
        access_code: str | None = None,
        position: int | None = None,
    ) -> ApplicationQueryResult | None:
        ctx = info.context
        number = registration_number_or_none(registration_number)
        if number is None:
            return RuleViolation.from_error(
                errors.violation("EQV-1", "registrationNumber", "a registration number is PI-YYYY-NNNNNN")
            )
        view, today = ctx.services.equivalency.view, ctx.services.today()
        actor = ctx.actor

        def read() -> EquivalencyApplicationView | None:
            row = view.application(number)
            if row is None:
                return None
            staff = actor is not None and actor.role in EQUIVALENCY_READERS
            own = actor is not None and actor.role is Role.APPLICANT and actor.id == row.account_id
            by_code = access_code is not None and _code_matches(row.access_code_hash, number, access_code[:64])
            if not (staff or own or by_code):
                return None  # never tells whether the number exists
            ctx.saw(SeenView.APPLICATION, [application_uuid(row.registration_number)])  # PDP-R: staff only
            return _application_view(view, row, today)

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(description="The calling applicant's own applications.")
    async def my_equivalency_applications(
        self, info: Info[Context, None], first: int = 100, after: str | None = None, position: int | None = None
    ) -> MyApplicationsResult:
        ctx = info.context
        actor = ctx.actor
        if actor is None or actor.role is not Role.APPLICANT:
            return NotAuthorized(message="myEquivalencyApplications is an applicant's own list: sign in as one")
        try:
            page = Slice.parse(first, after)
        except errors.RuleViolation as e:
            return RuleViolation.from_error(e)
        view, today = ctx.services.equivalency.view, ctx.services.today()

        def read() -> Connection[EquivalencyApplicationView]:
            return sliced(page, view.of_account(actor.id), lambda row: _application_view(view, row, today))

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(description="The team's queue by status: IN_REVIEW (the clock runs), WAITING_FOR_APPLICANT, ...")
    async def equivalency_queue(
        self,
        info: Info[Context, None],
        status: EquivalencyStatusEnum = Status.IN_REVIEW,  # type: ignore[valid-type]
        first: int = 100,
        after: str | None = None,
        position: int | None = None,
    ) -> QueueResult:
        ctx = info.context
        try:
            page, actor = Slice.parse(first, after), ctx.signed_in()
            if actor.role not in EQUIVALENCY_READERS:
                raise errors.NotAuthorized("the queue is the directorate's")
        except errors.DomainError as e:
            return read_refusal(e)
        wanted = Status(status)
        view, today = ctx.services.equivalency.view, ctx.services.today()

        def read() -> EquivalencyQueue:
            rows = view.work_queue(wanted.value, limit=page.limit, offset=page.offset)
            ctx.saw(SeenView.APPLICATION, (application_uuid(r.registration_number) for r in rows))  # PDP-R
            total = view.work_queue_count(wanted.value)
            item = lambda r: EquivalencyQueueItem.from_row(r, view.working_days(r, today))  # noqa: E731
            return EquivalencyQueue(**vars(connection(page, rows, total, item)), status=wanted)

        return await ctx.read(LOG, position, read, LOG)

    @strawberry.field(
        description="EQV-8: what a decision was based on, as of that decision. The application is named by "
        "registrationNumber, or by record (its registrationNumber or an SK number: the decision that issued that SK); "
        "decision counts its decisions from 1 (default 1)."
    )
    async def decision_basis(
        self,
        info: Info[Context, None],
        registration_number: str | None = None,
        decision: int | None = None,
        position: int | None = None,
        record: RecordKeyInput | None = None,
    ) -> BasisResult | None:
        ctx = info.context
        view = ctx.services.equivalency.view
        try:
            actor = ctx.signed_in()
            if actor.role not in EQUIVALENCY_READERS:
                raise errors.NotAuthorized("a decision's basis is read by legal staff and the team")
            named = _decision_named(registration_number, record, decision)
        except errors.DomainError as e:
            return read_refusal(e)

        def read() -> tuple[str, DecisionRow | None]:
            number, taken = named.registration_number, named.decision
            if named.sk is not None:  # the decision that issued the SK
                number, taken = view.decision_of_sk(named.sk) or (None, 0)
            return (number, view.decision(number, taken)) if number else ("", None)

        number, row = await ctx.read(LOG, position, read, LOG)
        if row is None:
            return None
        ctx.saw(SeenView.APPLICATION, [application_uuid(number)])  # PDP-R
        return DecisionBasisView.from_row(number, row)
