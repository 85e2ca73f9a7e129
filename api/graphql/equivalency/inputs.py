"""The equivalency context's command inputs and successes (EQV-1 .. EQV-8), as clients send and read them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.graphql.enums import EquivalencyStatusEnum, EscalationEnum, ForeignLevelEnum
from api.graphql.errors import Conflict, NotAuthorized, NotFound, RuleViolation, Unavailable
from application.equivalency.forms import ApplicationForm, AttorneyForm
from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.kinds import Collector

CollectorEnum = strawberry.enum(Collector, name="Collector", description="EQV-5")


@strawberry.input(description="The applicant's form (EQV-1); the checklist is computed from it (EQV-2).")
class EquivalencyApplicationInput:
    full_name: str
    country: str = strawberry.field(description="ISO 3166 two-letter code of the university's country")
    university: str
    programme: str
    level: ForeignLevelEnum  # type: ignore[valid-type]
    passport_number: str | None = None
    nik: str | None = None
    birth_date: date | None = None
    honours: bool = False
    documents_in_english: bool = True
    research_based: bool = False
    civil_servant: bool = False
    online: bool = False
    university_registered: bool = True
    passport_lost: bool = False
    double_or_joint_degree: bool = False

    def parsed(self) -> ApplicationForm:
        return ApplicationForm(
            full_name=self.full_name,
            passport_number=self.passport_number,
            nik=self.nik,
            birth_date=self.birth_date,
            country=self.country,
            university=self.university,
            programme=self.programme,
            level=ForeignLevel(self.level),
            honours=self.honours,
            documents_in_english=self.documents_in_english,
            research_based=self.research_based,
            civil_servant=self.civil_servant,
            online=self.online,
            university_registered=self.university_registered,
            passport_lost=self.passport_lost,
            double_or_joint_degree=self.double_or_joint_degree,
        )


@strawberry.input(description="A document for an item of the checklist: a file from POST /files, or a link.")
class AddEquivalencyDocumentInput:
    registration_number: str
    item_code: str
    file_sha256: str | None = None
    url: str | None = None


@strawberry.input
class EscalateInput:
    registration_number: str
    kind: EscalationEnum  # type: ignore[valid-type]
    request: str
    items: list[str] = strawberry.field(default_factory=list, description="documents asked for (MORE_DOCUMENTS)")


@strawberry.input
class AnswerEscalationInput:
    registration_number: str
    number: int
    outcome: str


@strawberry.input
class CorrectFeaturesInput:
    registration_number: str
    honours: bool
    reason: str


@strawberry.input(description="Ditunda: the reasons the applicant sees and answers (EQV-4).")
class DeferInput:
    registration_number: str
    reasons: list[str]


@strawberry.input
class AnswerDeferralInput:
    registration_number: str
    answer: str


@strawberry.input(description="The SK of equivalency (EQV-4): the level comes from the country rule in force.")
class EqualiseInput:
    registration_number: str
    sk_number: str
    deciders: list[str] = strawberry.field(default_factory=list, description="besides the caller")


@strawberry.input
class RefuseInput:
    registration_number: str
    reasons: list[str]
    deciders: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class StampInput:
    value: int = strawberry.field(description="rupiah")
    new_design: bool = strawberry.field(description="the Rp 10,000 meterai of UU 10/2020")


@strawberry.input(description="A representative's power of attorney (EQV-5).")
class PowerOfAttorneyInput:
    signed_on: date
    stamps: list[StampInput]
    applicant_id_copy: bool
    representative_id_copy: bool

    def parsed(self) -> AttorneyForm:
        return AttorneyForm(
            self.signed_on,
            [(s.value, s.new_design) for s in self.stamps[:11]],
            self.applicant_id_copy,
            self.representative_id_copy,
        )


@strawberry.input
class CollectSkInput:
    registration_number: str
    by: CollectorEnum  # type: ignore[valid-type]
    photos: int
    power_of_attorney: PowerOfAttorneyInput | None = None


@strawberry.input(description="EQV-7: a Surat Keterangan Pengganti SK, referring to the original SK.")
class ReplacementInput:
    registration_number: str
    letter_number: str
    reason: str


@strawberry.input
class ApplicationRefInput:
    registration_number: str


@strawberry.input(
    description="UU PDP: erase an applicant's personal data, with its ground (request, end of retention)."
)
class EraseApplicantDataInput:
    registration_number: str
    reason: str


@strawberry.input(description="The applicant's PK request (EQV-8): their letter, reasons and documents.")
class RequestReviewInput:
    registration_number: str
    letter_reference: str
    reasons: str
    documents: list[str] = strawberry.field(default_factory=list, description="SHA-256 of uploaded files")


@strawberry.input
class DecideReviewInput:
    registration_number: str
    upheld: bool
    remark: str
    deciders: list[str] = strawberry.field(default_factory=list, description="besides the caller")


@strawberry.type
class ApplicationAccepted:
    position: int | None
    registration_number: str
    status: EquivalencyStatusEnum  # type: ignore[valid-type]
    missing: list[str]
    access_code: str | None = strawberry.field(description="the second factor: shown once, at registration")


ApplicationResult = Annotated[
    ApplicationAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("EquivalencyApplicationResult"),
]
