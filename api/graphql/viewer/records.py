"""Records the viewer lists that had no GraphQL type: a student as registered, their semesters, and the registers
of BNSP and the LSPs. Each carries ``aggregateId``: the id ``history`` and ``asOf`` take (issue 32, item 2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from api.graphql.assessment.inputs import LicenceKindEnum, TukKindEnum
from api.graphql.registry.inputs import SemesterStatusEnum
from domain.assessment.kinds import LicenceKind, TukKind
from domain.calendar import JAKARTA
from domain.registry.record import SemesterStatus
from projections.eligibility.register import ReportRow, Standing, StudentRow
from projections.equivalency.rows import ReviewRow
from projections.registers.rows import (
    AsesorRow,
    AsesorSkemaRow,
    BlangkoRow,
    CommitteeMemberRow,
    LicenceRow,
    SkemaRow,
    TukRow,
)

StandingEnum = strawberry.enum(
    Standing, name="StudentStanding", description="GRADUATED once a yudisium is recorded, else the latest semester's"
)


def instant(text: str | None) -> datetime | None:
    """A stored UTC instant, as people read it: with Jakarta's offset."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(JAKARTA)


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


@strawberry.type(description="A semester as reported to PDDIKTI and counted by the rules (PIN-0).")
class Semester:
    period: str
    status: SemesterStatusEnum  # type: ignore[valid-type]
    sks_taken: int
    ips: Decimal
    ipk: Decimal
    sks_passed: int

    @classmethod
    def from_row(cls, r: ReportRow) -> Semester:
        return cls(
            period=r.period,
            status=SemesterStatus(r.status),
            sks_taken=r.sks_taken,
            ips=Decimal(r.ips),
            ipk=Decimal(r.ipk),
            sks_passed=r.sks_passed,
        )


@strawberry.type(description="A student as their university registered them (the registry record, PIN-0).")
class Student:
    aggregate_id: str = strawberry.field(description="The student's record id, for history and asOf.")
    university_code: str
    nim: str
    full_name: str
    prodi_code: str
    entry_period: str
    standing: StandingEnum  # type: ignore[valid-type]
    latest_period: str | None
    yudisium_number: str | None
    yudisium_date: date | None

    @classmethod
    def from_row(cls, r: StudentRow) -> Student:
        return cls(
            aggregate_id=r.record_id,
            university_code=r.university_code,
            nim=r.nim,
            full_name=r.full_name,
            prodi_code=r.prodi_code,
            entry_period=r.entry_period,
            standing=r.standing,
            latest_period=r.latest_period,
            yudisium_number=r.yudisium_number,
            yudisium_date=day(r.yudisium_date),
        )


@strawberry.type(description="An LSP's licence from BNSP (ASM-2), its current term.")
class Licence:
    aggregate_id: str
    lsp_code: str
    kind: LicenceKindEnum  # type: ignore[valid-type]
    skema_codes: list[str]
    valid_from: date
    valid_until: date
    remote_assessment: bool
    granted_at: datetime
    amended_at: datetime | None
    lsp_name: str | None = strawberry.field(description="The LSP's name (ASM-2.name); null: licensed before names.")

    @classmethod
    def from_row(cls, r: LicenceRow) -> Licence:
        return cls(
            aggregate_id=r.record_id,
            lsp_code=r.lsp_code,
            kind=LicenceKind(r.kind),
            skema_codes=r.skema_codes.split(),
            valid_from=date.fromisoformat(r.valid_from),
            valid_until=date.fromisoformat(r.valid_until),
            remote_assessment=bool(r.remote_assessment),
            granted_at=instant(r.granted_at),  # type: ignore[arg-type]
            amended_at=instant(r.amended_at),
            lsp_name=r.lsp_name,
        )


@strawberry.type(description="A skema as BNSP published it, its latest version.")
class Skema:
    aggregate_id: str
    code: str
    title: str
    skema_version: int
    unit_codes: list[str]
    remote_requirements: list[str] = strawberry.field(description="ASM-5: empty, the skema is not assessed remotely")
    published_at: datetime
    revised_at: datetime | None

    @classmethod
    def from_row(cls, r: SkemaRow) -> Skema:
        return cls(
            aggregate_id=r.record_id,
            code=r.code,
            title=r.title,
            skema_version=r.skema_version,
            unit_codes=r.units.split(),
            remote_requirements=_lines(r.remote_requirements),
            published_at=instant(r.published_at),  # type: ignore[arg-type]
            revised_at=instant(r.revised_at),
        )


@strawberry.type(description="A skema an asesor is registered for (ASM-3), and for how long.")
class AsesorSkema:
    skema_code: str
    valid_from: date
    valid_until: date

    @classmethod
    def from_row(cls, r: AsesorSkemaRow) -> AsesorSkema:
        return cls(
            skema_code=r.skema_code,
            valid_from=date.fromisoformat(r.valid_from),
            valid_until=date.fromisoformat(r.valid_until),
        )


@strawberry.type(description="An asesor as BNSP registered them (ASM-3).")
class Asesor:
    aggregate_id: str
    asesor_number: str
    employer: str | None
    registered_at: datetime
    skema: list[AsesorSkema]

    @classmethod
    def from_row(cls, r: AsesorRow, skema: list[AsesorSkemaRow]) -> Asesor:
        return cls(
            aggregate_id=r.record_id,
            asesor_number=r.asesor_number,
            employer=r.employer,
            registered_at=instant(r.registered_at),  # type: ignore[arg-type]
            skema=[AsesorSkema.from_row(s) for s in skema],
        )


@strawberry.type(description="A TUK (tempat uji kompetensi) an LSP registered.")
class Tuk:
    aggregate_id: str
    lsp_code: str
    tuk_code: str
    name: str
    kind: TukKindEnum  # type: ignore[valid-type]
    facilities: list[str]
    registered_at: datetime

    @classmethod
    def from_row(cls, r: TukRow) -> Tuk:
        return cls(
            aggregate_id=r.record_id,
            lsp_code=r.lsp_code,
            tuk_code=r.tuk_code,
            name=r.name,
            kind=TukKind(r.kind),
            facilities=_lines(r.facilities),
            registered_at=instant(r.registered_at),  # type: ignore[arg-type]
        )


@strawberry.type(description="A member of an LSP's technical committee (ASM-6); dismissed members stay listed.")
class CommitteeMember:
    aggregate_id: str = strawberry.field(description="The committee's id")
    member_id: str
    asesor_number: str | None
    appointed_at: datetime
    dismissed_at: datetime | None

    @classmethod
    def from_row(cls, r: CommitteeMemberRow) -> CommitteeMember:
        return cls(
            aggregate_id=r.record_id,
            member_id=r.member_id,
            asesor_number=r.asesor_number,
            appointed_at=instant(r.appointed_at),  # type: ignore[arg-type]
            dismissed_at=instant(r.dismissed_at),
        )


@strawberry.type(description="A blangko (certificate form) BNSP issued to an LSP, and the assessment it was used for.")
class Blangko:
    aggregate_id: str
    number: str
    lsp_code: str
    batch_reference: str
    received_at: datetime
    assessment_id: str | None

    @classmethod
    def from_row(cls, r: BlangkoRow) -> Blangko:
        return cls(
            aggregate_id=r.record_id,
            number=r.number,
            lsp_code=r.lsp_code,
            batch_reference=r.batch_reference,
            received_at=instant(r.received_at),  # type: ignore[arg-type]
            assessment_id=r.assessment_id,
        )


@strawberry.type(description="A formal review (PK) requested of an SK and not yet decided (EQV-8).")
class OpenReview:
    aggregate_id: str = strawberry.field(description="The application's id")
    registration_number: str
    number: int
    letter_reference: str
    reasons: str
    requested_on: date

    @classmethod
    def from_row(cls, aggregate_id: str, registration_number: str, r: ReviewRow) -> OpenReview:
        return cls(
            aggregate_id=aggregate_id,
            registration_number=registration_number,
            number=r.number,
            letter_reference=r.letter_reference,
            reasons=r.reasons,
            requested_on=date.fromisoformat(r.requested_on),
        )
