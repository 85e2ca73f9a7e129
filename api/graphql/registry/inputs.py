"""The registry's command inputs, as clients send them; parsed by the value objects behind the commands."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.registry.level import Level, Orientation
from domain.registry.record import SemesterStatus

LevelEnum = strawberry.enum(Level, name="Level")
OrientationEnum = strawberry.enum(Orientation, name="Orientation")
SemesterStatusEnum = strawberry.enum(SemesterStatus, name="SemesterStatus")


@strawberry.input
class AccreditationInput:
    grade: str
    valid_from: date
    valid_until: date


@strawberry.input
class RegisterUniversityInput:
    code: str
    name: str


@strawberry.input
class RegisterProgrammeInput:
    university_code: str
    prodi_code: str
    name: str
    level: LevelEnum  # type: ignore[valid-type]
    orientation: OrientationEnum  # type: ignore[valid-type]
    accreditation: AccreditationInput | None = None


@strawberry.input
class RegisterStudentInput:
    university_code: str
    nim: str
    prodi_code: str
    entry_period: str
    full_name: str
    nik: str | None = None
    passport_number: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    email: str | None = None


@strawberry.input
class ReportSemesterInput:
    university_code: str
    nim: str
    period: str
    status: SemesterStatusEnum  # type: ignore[valid-type]
    sks_taken: int
    ips: str
    ipk: str
    sks_passed: int


@strawberry.input(description="UU PDP: erase a student's personal data, with its ground (a request, retention).")
class ErasePersonalDataInput:
    university_code: str
    nim: str
    reason: str


@strawberry.input
class WithdrawSemesterReportInput:
    university_code: str
    nim: str
    period: str
    reason: str | None = strawberry.field(default=None, description="Required (PIN-0): why the report was wrong.")


@strawberry.input
class RecordGraduationInput:
    university_code: str
    nim: str
    yudisium_number: str
    yudisium_date: date
