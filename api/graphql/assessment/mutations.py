"""The assessment context's mutations (ASM-1 .. ASM-8). Who may run each is decided by the command itself
(application.authorization); an asesor, a committee member and a candidate act as the person their token names."""

from __future__ import annotations

from dataclasses import replace

import strawberry
from strawberry.types import Info

from api.graphql.arguments import parse_id
from api.graphql.assessment.inputs import (
    AppealAssessmentInput,
    AppointCommitteeMemberInput,
    AssessmentAccepted,
    AssessmentRefInput,
    AssessmentResult,
    AssignAsesorInput,
    AssignBlangkoInput,
    CertificateAccepted,
    CertificateResult,
    ChangeAsesorNumberInput,
    CompleteSopStepInput,
    DecideAppealInput,
    DecideInPlenaryInput,
    DeclareAsesorNumberInput,
    DeclareRelationInput,
    DismissCommitteeMemberInput,
    EraseCandidateDataInput,
    IssueBlangkoInput,
    LicenseLspInput,
    OpenAssessmentInput,
    PrintCertificateInput,
    PublishSkemaInput,
    RecommendUnitInput,
    RecordEvidenceInput,
    RegisterAsesorInput,
    RegisterCandidateInput,
    RegisterTukInput,
    RevokeCertificateInput,
)
from api.graphql.commands import CommandResult, accepted, run_command
from api.graphql.context import Context
from application.assessment.assessments import Assessments
from application.assessment.receipt import AssessmentReceipt, CertificateReceipt
from domain.assessment.kinds import CertificateStatus, LicenceKind, Mode, Stage, TukKind
from domain.assessment.sop import Result, Step

RULE = "ASM-6"  # an assessment id names the assessment in the SOP


def _assessment(r: AssessmentReceipt) -> AssessmentAccepted:
    return AssessmentAccepted(
        position=r.position,
        assessment_ids=[str(i) for i in r.assessment_ids],
        stage=Stage(r.stage),
        next_step=Step(r.next_step) if r.next_step is not None else None,
        due_at=r.due_at,
    )


def _certificate(r: CertificateReceipt) -> CertificateAccepted:
    return CertificateAccepted(
        position=r.position, registration_number=r.registration_number, status=CertificateStatus(r.status)
    )


def _app(info: Info[Context, None]) -> Assessments:
    return info.context.services.assessment.commands


@strawberry.type
class AssessmentMutation:
    # BNSP: skema, licences, asesors (ASM-1 .. ASM-3; remote assessment, ASM-5, in ``remote``) -------------------

    @strawberry.mutation(description="BNSP publishes a skema; publishing it again is its next version (ASM-1).")
    async def publish_skema(self, info: Info[Context, None], input: PublishSkemaInput) -> CommandResult:
        units = [u.parsed() for u in input.units]
        return await accepted(
            info, lambda c: _app(info).publish_skema(code=input.code, title=input.title, units=units, cause=c)
        )

    @strawberry.mutation(description="BNSP grants an LSP's licence, or amends it (ASM-2).")
    async def license_lsp(self, info: Info[Context, None], input: LicenseLspInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).license_lsp(
                lsp_code=input.lsp_code,
                kind=LicenceKind(input.kind),
                skema_codes=list(input.skema_codes),
                valid_from=input.valid_from,
                valid_until=input.valid_until,
                cause=c,
                lsp_name=input.lsp_name,
            ),
        )

    @strawberry.mutation(description="BNSP registers an asesor for a skema (ASM-3).")
    async def register_asesor(self, info: Info[Context, None], input: RegisterAsesorInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).register_asesor(
                asesor_number=input.asesor_number,
                employer=input.employer,
                skema_code=input.skema_code,
                valid_from=input.valid_from,
                valid_until=input.valid_until,
                cause=c,
            ),
        )

    @strawberry.mutation(description="The calling asesor declares a relation with a candidate (ASM-3).")
    async def declare_relation(self, info: Info[Context, None], input: DeclareRelationInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).declare_relation(
                lsp_code=input.lsp_code, candidate_number=input.candidate_number, cause=c
            ),
        )

    # The LSP's own: TUK, committee, candidates ----------------------------------------------------------------

    @strawberry.mutation(description="The Kabag Sertifikasi registers a TUK, or its verified facilities.")
    async def register_tuk(self, info: Info[Context, None], input: RegisterTukInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).register_tuk(
                lsp_code=input.lsp_code,
                tuk_code=input.tuk_code,
                name=input.name,
                kind=TukKind(input.kind),
                facilities=list(input.facilities),
                cause=c,
            ),
        )

    @strawberry.mutation(description="The Ketua LSP appoints a member of the technical committee.")
    async def appoint_committee_member(
        self, info: Info[Context, None], input: AppointCommitteeMemberInput
    ) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).appoint_committee_member(
                lsp_code=input.lsp_code, member_id=input.member_id, asesor_number=input.asesor_number, cause=c
            ),
        )

    @strawberry.mutation(
        description="The Ketua LSP or a committee member declares the asesor number they hold: their first one; a "
        "change is the LSP staff's (changeAsesorNumber)."
    )
    async def declare_asesor_number(self, info: Info[Context, None], input: DeclareAsesorNumberInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).declare_asesor_number(
                lsp_code=input.lsp_code, asesor_number=input.asesor_number, cause=c
            ),
        )

    @strawberry.mutation(
        description="The LSP's staff change the asesor number one of its people holds, with the reason "
        "(ASM-6.identity); the earlier numbers still count in every conflict check (ASM-6, ASM-8)."
    )
    async def change_asesor_number(self, info: Info[Context, None], input: ChangeAsesorNumberInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).change_asesor_number(
                lsp_code=input.lsp_code,
                person_id=input.person_id,
                asesor_number=input.asesor_number,
                cause=replace(c, reason=input.reason),
            ),
        )

    @strawberry.mutation
    async def dismiss_committee_member(
        self, info: Info[Context, None], input: DismissCommitteeMemberInput
    ) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).dismiss_committee_member(lsp_code=input.lsp_code, member_id=input.member_id, cause=c),
        )

    @strawberry.mutation(description="LSP staff register a candidate (asesi); their identity is sealed.")
    async def register_candidate(self, info: Info[Context, None], input: RegisterCandidateInput) -> CommandResult:
        given = input.parsed()
        return await accepted(
            info, lambda c: _app(info).register_candidate(lsp_code=input.lsp_code, candidate=given, cause=c)
        )

    @strawberry.mutation(
        description="UU PDP: the LSP erases a candidate's personal data (the key of the sealed copy is destroyed; "
        "assessments and certificates stay, their holder erased). The reason is recorded."
    )
    async def erase_candidate_data(self, info: Info[Context, None], input: EraseCandidateDataInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).erase_candidate_data(
                lsp_code=input.lsp_code, candidate_number=input.candidate_number, cause=replace(c, reason=input.reason)
            ),
        )

    # The assessment (ASM-2 .. ASM-5) ---------------------------------------------------------------------------

    @strawberry.mutation(description="Schedules an assessment within the LSP's licence on its day (ASM-2, ASM-5).")
    async def open_assessment(self, info: Info[Context, None], input: OpenAssessmentInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).open_assessment(
                lsp_code=input.lsp_code,
                candidate_number=input.candidate_number,
                skema_code=input.skema_code,
                assessed_on=input.assessed_on,
                tuk_code=input.tuk_code,
                mode=Mode(input.mode),
                cause=c,
                idempotency_key=info.context.idempotency_key,
            ),
            _assessment,
        )

    @strawberry.mutation(description="The official assignment of an asesor (ASM-3).")
    async def assign_asesor(self, info: Info[Context, None], input: AssignAsesorInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).assign_asesor(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", RULE),
                asesor_number=input.asesor_number,
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="The assigned asesor records evidence for an element (ASM-4).")
    async def record_evidence(self, info: Info[Context, None], input: RecordEvidenceInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).record_evidence(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", RULE),
                evidence=input.parsed(),
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="The assigned asesor's K or BK for a unit (ASM-4).")
    async def recommend_unit(self, info: Info[Context, None], input: RecommendUnitInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).recommend_unit(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", RULE),
                unit_code=input.unit_code,
                recommendation=Result(input.recommendation),
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="The overall recommendation: K only if every unit is K (ASM-4).")
    async def conclude_assessment(self, info: Info[Context, None], input: AssessmentRefInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).conclude_assessment(
                lsp_code=input.lsp_code, assessment_id=parse_id(input.assessment_id, "assessmentId", RULE), cause=c
            ),
            _assessment,
        )

    # The SOP (ASM-6, ASM-7) ------------------------------------------------------------------------------------

    @strawberry.mutation(description="Steps 1, 2, 4 and 5 of the SOP, each by its role (ASM-6).")
    async def complete_sop_step(self, info: Info[Context, None], input: CompleteSopStepInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).complete_step(
                lsp_code=input.lsp_code,
                assessment_ids=[parse_id(i, "assessmentIds", RULE) for i in input.assessment_ids[:201]],
                step=Step(input.step),
                reference=input.reference,
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="Step 3: the plenary's K or BK, by members who did not assess (ASM-6).")
    async def decide_in_plenary(self, info: Info[Context, None], input: DecideInPlenaryInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).decide_in_plenary(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", RULE),
                result=Result(input.result),
                members=list(input.members[:51]),
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="BNSP issues blangko numbers to an LSP, each to be used once (ASM-7).")
    async def issue_blangko(self, info: Info[Context, None], input: IssueBlangkoInput) -> CommandResult:
        return await accepted(
            info,
            lambda c: _app(info).issue_blangko(
                lsp_code=input.lsp_code,
                batch_reference=input.batch_reference,
                numbers=list(input.numbers[:1001]),
                cause=c,
            ),
        )

    @strawberry.mutation(description="Step 6: a received blangko becomes the candidate's (ASM-6, ASM-7).")
    async def assign_blangko(self, info: Info[Context, None], input: AssignBlangkoInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).assign_blangko(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", RULE),
                blangko_number=input.blangko_number,
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="Step 7: printed on the blangko with its registration number (ASM-7).")
    async def print_certificate(self, info: Info[Context, None], input: PrintCertificateInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).print_certificate(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", RULE),
                registration_number=input.registration_number,
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="Step 8: the Ketua LSP signs; the certificate is issued (ASM-6, ASM-7).")
    async def sign_certificate(self, info: Info[Context, None], input: AssessmentRefInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).sign_certificate(
                lsp_code=input.lsp_code, assessment_id=parse_id(input.assessment_id, "assessmentId", RULE), cause=c
            ),
            _assessment,
        )

    @strawberry.mutation(description="The Ketua LSP revokes an issued certificate, with the reason.")
    async def revoke_certificate(self, info: Info[Context, None], input: RevokeCertificateInput) -> CertificateResult:
        return await run_command(
            info,
            lambda c: _app(info).revoke_certificate(
                lsp_code=input.lsp_code, registration_number=input.registration_number, reason=input.reason, cause=c
            ),
            _certificate,
        )

    # Appeal (ASM-8) ------------------------------------------------------------------------------------------

    @strawberry.mutation(description="The calling candidate appeals an announced BK within 14 days (ASM-8).")
    async def appeal_assessment(self, info: Info[Context, None], input: AppealAssessmentInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).appeal(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", "ASM-8"),
                grounds=input.grounds,
                cause=c,
            ),
            _assessment,
        )

    @strawberry.mutation(description="Decided by someone who took no part in the decision; upheld reopens (ASM-8).")
    async def decide_appeal(self, info: Info[Context, None], input: DecideAppealInput) -> AssessmentResult:
        return await run_command(
            info,
            lambda c: _app(info).decide_appeal(
                lsp_code=input.lsp_code,
                assessment_id=parse_id(input.assessment_id, "assessmentId", "ASM-8"),
                upheld=input.upheld,
                remark=input.remark,
                cause=c,
            ),
            _assessment,
        )
