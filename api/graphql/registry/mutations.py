"""The registry's mutations: universities, programmes, students, semester reports and graduations (PIN-0)."""

from __future__ import annotations

from dataclasses import replace

import strawberry
from strawberry.types import Info

from api.graphql.commands import CommandResult, accepted
from api.graphql.context import Context
from api.graphql.registry.inputs import (
    ErasePersonalDataInput,
    RecordGraduationInput,
    RegisterProgrammeInput,
    RegisterStudentInput,
    RegisterUniversityInput,
    ReportSemesterInput,
    WithdrawSemesterReportInput,
)
from application.receipt import Receipt
from domain.audit import Cause
from domain.personal import PersonalData
from domain.registry.accreditation import Accreditation
from domain.registry.gpa import GPA
from domain.registry.level import Level, Orientation
from domain.registry.period import Period
from domain.registry.record import Graduation, SemesterReport, SemesterStatus


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(description="Register or rename a university in the PDDIKTI registry (ministry).")
    async def register_university(self, info: Info[Context, None], input: RegisterUniversityInput) -> CommandResult:
        app = info.context.services.registry
        return await accepted(info, lambda c: app.register_university(code=input.code, name=input.name, cause=c))

    @strawberry.mutation(description="Register a prodi with its level and accreditation (PIN-0).")
    async def register_programme(self, info: Info[Context, None], input: RegisterProgrammeInput) -> CommandResult:
        app = info.context.services.registry
        a = input.accreditation
        accreditation = Accreditation(a.grade, a.valid_from, a.valid_until) if a else None
        return await accepted(
            info,
            lambda c: app.register_programme(
                university_code=input.university_code,
                prodi_code=input.prodi_code,
                name=input.name,
                level=Level(input.level),
                orientation=Orientation(input.orientation),
                accreditation=accreditation,
                cause=c,
            ),
        )

    @strawberry.mutation(description="Register a student (NIM, prodi, entry period, identity) as reported (PIN-0).")
    async def register_student(self, info: Info[Context, None], input: RegisterStudentInput) -> CommandResult:
        app = info.context.services.registry
        personal = PersonalData(
            full_name=input.full_name,
            nik=input.nik,
            passport_number=input.passport_number,
            birth_place=input.birth_place,
            birth_date=input.birth_date,
            email=input.email,
        )
        return await accepted(
            info,
            lambda c: app.register_student(
                university_code=input.university_code,
                nim=input.nim,
                prodi_code=input.prodi_code,
                entry_period=input.entry_period,
                personal=personal,
                cause=c,
            ),
        )

    @strawberry.mutation(description="Report one semester; a second report for a period supersedes it (PIN-0).")
    async def report_semester(self, info: Info[Context, None], input: ReportSemesterInput) -> CommandResult:
        app = info.context.services.registry

        def command(c: Cause) -> Receipt:
            report = SemesterReport(
                period=Period.parse(input.period),
                status=SemesterStatus(input.status),
                sks_taken=input.sks_taken,
                ips=GPA.parse(input.ips, "ips").value,
                ipk=GPA.parse(input.ipk, "ipk").value,
                sks_passed=input.sks_passed,
            )
            return app.report_semester(university_code=input.university_code, nim=input.nim, report=report, cause=c)

        return await accepted(info, command)

    @strawberry.mutation(
        description="Withdraw a semester report made in error, with a reason (PIN-0): it no longer counts for "
        "the rules; the history keeps it. A correct report for the period can be sent again."
    )
    async def withdraw_semester_report(
        self, info: Info[Context, None], input: WithdrawSemesterReportInput
    ) -> CommandResult:
        app = info.context.services.registry
        return await accepted(
            info,
            lambda c: app.withdraw_semester_report(
                university_code=input.university_code,
                nim=input.nim,
                period=input.period,
                reason=input.reason,
                cause=c,
            ),
        )

    @strawberry.mutation(description="Record graduation (yudisium decree number and date) (PIN-0).")
    async def record_graduation(self, info: Info[Context, None], input: RecordGraduationInput) -> CommandResult:
        app = info.context.services.registry
        graduation = Graduation(input.yudisium_number, input.yudisium_date)
        return await accepted(
            info,
            lambda c: app.record_graduation(
                university_code=input.university_code, nim=input.nim, graduation=graduation, cause=c
            ),
        )

    @strawberry.mutation(
        description="UU PDP: the university's operator (or the ministry) erases a student's personal data: recorded "
        "with its ground, then the key of every sealed copy is destroyed; the history stays and reads as erased. "
        "Again after an interruption, it finishes the erasure. The same as kredensial erase-personal-data."
    )
    async def erase_personal_data(self, info: Info[Context, None], input: ErasePersonalDataInput) -> CommandResult:
        app = info.context.services.registry
        return await accepted(
            info,
            lambda c: app.erase_personal_data(
                university_code=input.university_code, nim=input.nim, cause=replace(c, reason=input.reason)
            ),
        )
