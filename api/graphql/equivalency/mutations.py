"""The equivalency context's mutations (EQV-1 .. EQV-8). Who may run each is decided by the command itself: the
applicant for their own application, the directorate's team, legal staff for a PK."""

from __future__ import annotations

from dataclasses import replace

import strawberry
from strawberry.types import Info

from api.graphql.commands import run_command
from api.graphql.context import Context
from api.graphql.equivalency.inputs import (
    AddEquivalencyDocumentInput,
    AnswerDeferralInput,
    AnswerEscalationInput,
    ApplicationAccepted,
    ApplicationRefInput,
    ApplicationResult,
    CollectSkInput,
    CorrectFeaturesInput,
    DecideReviewInput,
    DeferInput,
    EqualiseInput,
    EquivalencyApplicationInput,
    EraseApplicantDataInput,
    EscalateInput,
    RefuseInput,
    ReplacementInput,
    RequestReviewInput,
)
from application.equivalency.equivalencies import Equivalencies
from application.equivalency.receipt import ApplicationReceipt
from domain.equivalency.kinds import Collector, Escalation, Status

MAX_LIST = 31  # longer lists are refused by the commands; this bounds what reaches them


def _accepted(r: ApplicationReceipt) -> ApplicationAccepted:
    return ApplicationAccepted(
        position=r.position,
        registration_number=r.registration_number,
        status=Status(r.status),
        missing=list(r.missing),
        access_code=r.access_code,
    )


def _app(info: Info[Context, None]) -> Equivalencies:
    return info.context.services.equivalency.commands


@strawberry.type
class EquivalencyMutation:
    @strawberry.mutation(description="The applicant's account opens an application; its number and access code.")
    async def register_equivalency_application(
        self, info: Info[Context, None], input: EquivalencyApplicationInput
    ) -> ApplicationResult:
        form = input.parsed()
        key = info.context.idempotency_key
        return await run_command(
            info, lambda c: _app(info).register_application(form=form, cause=c, idempotency_key=key), _accepted
        )

    @strawberry.mutation(description="The applicant uploads a document for an item of their checklist (EQV-2).")
    async def add_equivalency_document(
        self, info: Info[Context, None], input: AddEquivalencyDocumentInput
    ) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).add_document(
                registration_number=input.registration_number,
                item_code=input.item_code,
                file=input.file_sha256,
                url=input.url,
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="More documents, an expert, a plenary or an external party (EQV-3).")
    async def escalate_application(self, info: Info[Context, None], input: EscalateInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).escalate(
                registration_number=input.registration_number,
                kind=Escalation(input.kind),
                request=input.request,
                items=list(input.items[:MAX_LIST]),
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="The outcome of an escalation (EQV-3).")
    async def answer_escalation(self, info: Info[Context, None], input: AnswerEscalationInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).answer_escalation(
                registration_number=input.registration_number, number=input.number, outcome=input.outcome, cause=c
            ),
            _accepted,
        )

    @strawberry.mutation(description="The team corrects what the diploma states (Honours) before deciding.")
    async def correct_application_features(
        self, info: Info[Context, None], input: CorrectFeaturesInput
    ) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).correct_features(
                registration_number=input.registration_number, honours=input.honours, reason=input.reason, cause=c
            ),
            _accepted,
        )

    @strawberry.mutation(description="Ditunda, with the reasons the applicant answers (EQV-4).")
    async def defer_application(self, info: Info[Context, None], input: DeferInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).defer(
                registration_number=input.registration_number, reasons=list(input.reasons[:MAX_LIST]), cause=c
            ),
            _accepted,
        )

    @strawberry.mutation(description="The applicant answers a deferral (EQV-4).")
    async def answer_deferral(self, info: Info[Context, None], input: AnswerDeferralInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).answer_deferral(
                registration_number=input.registration_number, answer=input.answer, cause=c
            ),
            _accepted,
        )

    @strawberry.mutation(description="The SK of equivalency, its level from the country rule in force (EQV-4).")
    async def equalise_application(self, info: Info[Context, None], input: EqualiseInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).equalise(
                registration_number=input.registration_number,
                sk_number=input.sk_number,
                deciders=list(input.deciders[:MAX_LIST]),
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="A refusal, with its reasons (EQV-4).")
    async def refuse_application(self, info: Info[Context, None], input: RefuseInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).refuse(
                registration_number=input.registration_number,
                reasons=list(input.reasons[:MAX_LIST]),
                deciders=list(input.deciders[:MAX_LIST]),
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="The SK collected at the counter (EQV-5, EQV-6).")
    async def collect_sk(self, info: Info[Context, None], input: CollectSkInput) -> ApplicationResult:
        attorney = input.power_of_attorney.parsed() if input.power_of_attorney else None
        return await run_command(
            info,
            lambda c: _app(info).collect_sk(
                registration_number=input.registration_number,
                by=Collector(input.by),
                power_of_attorney=attorney,
                photos=input.photos,
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="EQV-7: a replacement letter for the applicant's own data error.")
    async def issue_replacement_letter(self, info: Info[Context, None], input: ReplacementInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).issue_replacement(
                registration_number=input.registration_number,
                letter_number=input.letter_number,
                reason=input.reason,
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="EQV-7: always refused; an SK is never reprinted.")
    async def reprint_sk(self, info: Info[Context, None], input: ApplicationRefInput) -> ApplicationResult:
        return await run_command(
            info, lambda c: _app(info).reprint_sk(registration_number=input.registration_number, cause=c), _accepted
        )

    @strawberry.mutation(
        description="UU PDP: the directorate erases an applicant's personal data (the key of the sealed copy is "
        "destroyed; the history stays and reads as erased). The reason is recorded."
    )
    async def erase_applicant_data(
        self, info: Info[Context, None], input: EraseApplicantDataInput
    ) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).erase_applicant_data(
                registration_number=input.registration_number, cause=replace(c, reason=input.reason)
            ),
            _accepted,
        )

    @strawberry.mutation(description="The applicant requests a formal review (PK) of the decision (EQV-8).")
    async def request_review(self, info: Info[Context, None], input: RequestReviewInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).request_review(
                registration_number=input.registration_number,
                letter_reference=input.letter_reference,
                reasons=input.reasons,
                documents=list(input.documents[:21]),
                cause=c,
            ),
            _accepted,
        )

    @strawberry.mutation(description="Legal staff decide a PK, with others who took no part (EQV-8).")
    async def decide_review(self, info: Info[Context, None], input: DecideReviewInput) -> ApplicationResult:
        return await run_command(
            info,
            lambda c: _app(info).decide_review(
                registration_number=input.registration_number,
                upheld=input.upheld,
                deciders=list(input.deciders[:MAX_LIST]),
                remark=input.remark,
                cause=c,
            ),
            _accepted,
        )
