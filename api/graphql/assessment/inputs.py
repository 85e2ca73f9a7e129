"""The assessment context's command inputs and successes (ASM-1 .. ASM-8), as clients send and read them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from api.graphql.enums import CertificateStatusEnum, StageEnum
from api.graphql.errors import Conflict, NotAuthorized, NotFound, RuleViolation, Unavailable
from application.assessment.inputs import CandidateInput, EvidenceInput, UnitInput
from domain.assessment.kinds import LicenceKind, Mode, TukKind
from domain.assessment.sop import Result, Step

LicenceKindEnum = strawberry.enum(LicenceKind, name="LicenceKind")
TukKindEnum = strawberry.enum(TukKind, name="TukKind")
ModeEnum = strawberry.enum(Mode, name="AssessmentMode")
ResultEnum = strawberry.enum(Result, name="CompetencyResult", description="K: kompeten; BK: belum kompeten")
StepEnum = strawberry.enum(Step, name="SopStep", description="The SOP's steps for issuing a certificate (ASM-6)")


@strawberry.input(description="An element of a competency unit and its performance criteria (ASM-1).")
class ElementInput:
    title: str
    criteria: list[str]


@strawberry.input(description="A competency unit in the ILO RMCS format (ASM-1).")
class CompetencyUnitInput:
    code: str
    title: str
    descriptor: str
    elements: list[ElementInput]
    range_statement: str
    evidence_guide: str

    def parsed(self) -> UnitInput:
        elements = [(e.title, list(e.criteria)) for e in self.elements]
        return UnitInput(self.code, self.title, self.descriptor, elements, self.range_statement, self.evidence_guide)


@strawberry.input(description="BNSP publishes a skema, or a new version of it (ASM-1).")
class PublishSkemaInput:
    code: str
    title: str
    units: list[CompetencyUnitInput]


@strawberry.input(
    description="BNSP grants or amends an LSP's licence (ASM-2); remote assessment is applied for (ASM-5)."
)
class LicenseLspInput:
    lsp_code: str
    kind: LicenceKindEnum  # type: ignore[valid-type]
    skema_codes: list[str]
    valid_from: date
    valid_until: date
    lsp_name: str | None = strawberry.field(
        default=None,
        description="The LSP's name, as its certificates name their issuer (ASM-2.name, 1 to 200 characters); "
        "left out on an amendment: kept as it was.",
    )


@strawberry.input(description="BNSP registers an asesor for a skema, with its validity (ASM-3).")
class RegisterAsesorInput:
    asesor_number: str
    employer: str | None
    skema_code: str
    valid_from: date
    valid_until: date


@strawberry.input(description="The calling asesor declares a relation with a candidate: never assigned to them.")
class DeclareRelationInput:
    lsp_code: str
    candidate_number: str


@strawberry.input
class RegisterTukInput:
    lsp_code: str
    tuk_code: str
    name: str
    kind: TukKindEnum  # type: ignore[valid-type]
    facilities: list[str]


@strawberry.input(description="The Ketua LSP appoints a member of the technical committee (ASM-6).")
class AppointCommitteeMemberInput:
    lsp_code: str
    member_id: str
    asesor_number: str | None = None


@strawberry.input(
    description="The calling Ketua LSP or committee member's own asesor number, their first (ASM-6, ASM-8); a change "
    "is changeAsesorNumber."
)
class DeclareAsesorNumberInput:
    lsp_code: str
    asesor_number: str


@strawberry.input(
    description="The LSP's staff record that one of its people (the Ketua LSP, a committee member) now holds another "
    "asesor number, and why; every number they held stays theirs (ASM-6.identity)."
)
class ChangeAsesorNumberInput:
    lsp_code: str
    person_id: str
    asesor_number: str
    reason: str


@strawberry.input
class DismissCommitteeMemberInput:
    lsp_code: str
    member_id: str


@strawberry.input(description="UU PDP: erase a candidate's personal data, with its ground (a request, retention).")
class EraseCandidateDataInput:
    lsp_code: str
    candidate_number: str
    reason: str


@strawberry.input(description="A candidate (asesi): a name and a NIK or passport number, sealed (ASM-7).")
class RegisterCandidateInput:
    lsp_code: str
    candidate_number: str
    full_name: str
    nik: str | None = None
    passport_number: str | None = None
    employer: str | None = None

    def parsed(self) -> CandidateInput:
        return CandidateInput(self.candidate_number, self.full_name, self.nik, self.passport_number, self.employer)


@strawberry.input
class OpenAssessmentInput:
    lsp_code: str
    candidate_number: str
    skema_code: str
    assessed_on: date
    tuk_code: str
    mode: ModeEnum = Mode.ONSITE  # type: ignore[valid-type]


@strawberry.input
class AssignAsesorInput:
    lsp_code: str
    assessment_id: str
    asesor_number: str


@strawberry.input(description="Evidence for one element, judged by the four rules of evidence (ASM-4).")
class RecordEvidenceInput:
    lsp_code: str
    assessment_id: str
    unit_code: str
    element: int
    file_sha256: str = strawberry.field(description="as POST /files answered")
    description: str
    valid: bool
    authentic: bool
    current: bool
    sufficient: bool

    def parsed(self) -> EvidenceInput:
        return EvidenceInput(
            self.unit_code,
            self.element,
            self.file_sha256,
            self.description,
            self.valid,
            self.authentic,
            self.current,
            self.sufficient,
        )


@strawberry.input
class RecommendUnitInput:
    lsp_code: str
    assessment_id: str
    unit_code: str
    recommendation: ResultEnum  # type: ignore[valid-type]


@strawberry.input
class AssessmentRefInput:
    lsp_code: str
    assessment_id: str


@strawberry.input(description="Steps 1, 2, 4 and 5 of the SOP, for one or many candidates (ASM-6).")
class CompleteSopStepInput:
    lsp_code: str
    assessment_ids: list[str]
    step: StepEnum  # type: ignore[valid-type]
    reference: str | None = strawberry.field(default=None, description="the SK (step 4) or letter (step 5) number")


@strawberry.input(description="Step 3: the plenary's decision, by members who did not assess the candidate.")
class DecideInPlenaryInput:
    lsp_code: str
    assessment_id: str
    result: ResultEnum  # type: ignore[valid-type]
    members: list[str]


@strawberry.input(description="Blangko numbers BNSP issues on an LSP's request (ASM-7), upper-cased, spaces folded.")
class IssueBlangkoInput:
    lsp_code: str
    batch_reference: str
    numbers: list[str]


@strawberry.input(description="Step 6 done: a received blangko becomes the candidate's (ASM-6, ASM-7).")
class AssignBlangkoInput:
    lsp_code: str
    assessment_id: str
    blangko_number: str


@strawberry.input(description="Step 7: the certificate printed on its blangko, with its registration number.")
class PrintCertificateInput:
    lsp_code: str
    assessment_id: str
    registration_number: str


@strawberry.input
class RevokeCertificateInput:
    lsp_code: str
    registration_number: str
    reason: str


@strawberry.input(description="The calling candidate appeals an announced BK (ASM-8).")
class AppealAssessmentInput:
    lsp_code: str
    assessment_id: str
    grounds: str


@strawberry.input(description="An appeal decided by someone who took no part in the decision (ASM-8).")
class DecideAppealInput:
    lsp_code: str
    assessment_id: str
    upheld: bool
    remark: str


@strawberry.type
class AssessmentAccepted:
    position: int | None
    assessment_ids: list[str]
    stage: StageEnum  # type: ignore[valid-type]
    next_step: StepEnum | None  # type: ignore[valid-type]
    due_at: datetime | None


@strawberry.type
class CertificateAccepted:
    position: int | None
    registration_number: str
    status: CertificateStatusEnum  # type: ignore[valid-type]


AssessmentResult = Annotated[
    AssessmentAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("AssessmentResult"),
]
CertificateResult = Annotated[
    CertificateAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("CertificateResult"),
]
