"""The registry's commands: universities, programmes, students' records (PIN-0), erasure (UU PDP).

The diploma context decides on these records and saves its decisions in the same store, so a
decision and the record it read commit together (``application.diploma.diplomas``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from application.authorization import ERASERS, RECORD_REPORTERS, REGISTRY_KEEPERS, require, require_national
from application.receipt import Receipt
from application.registry.erasure import ErasureReceipt, Erasures
from application.service import active_unit
from domain.audit import Cause, Role
from domain.personal import PersonalData, Sealer
from domain.registry.accreditation import Accreditation
from domain.registry.codes import ProdiCode, UniversityCode, student_key
from domain.registry.identity import parse_personal
from domain.registry.level import Level, Orientation
from domain.registry.pddikti_import import PddiktiImport, UniversityTally
from domain.registry.period import Period
from domain.registry.programme import Programme, parse_programme_name
from domain.registry.record import Graduation, SemesterReport
from domain.registry.student import Student
from domain.registry.university import University
from domain.text import DOCUMENT_NUMBER_CHARS, NAME_CHARS, REMARK_CHARS, optional_text, parse_text


class Registry(Erasures):  # UU PDP erasure completion: application/registry/erasure.py
    def __init__(self, env: dict[str, str] | None = None, *, sealer: Sealer, **kw: Any):
        super().__init__(env, **kw)
        self.sealer = sealer

    def register_university(self, *, code: str, name: str, cause: Cause) -> Receipt:
        require_national(cause.actor, REGISTRY_KEEPERS)
        code = UniversityCode.parse(code, "code").value
        name = parse_text(name, field="name", max_chars=NAME_CHARS)

        def command() -> Receipt:
            university = self.find(University, University.create_id(code))
            if university is None:
                university = University(code=code, name=name, cause=cause)
            else:
                university.rename(name, cause)
            return self.receipt(self.commit(university))

        return self.retrying(command)

    def register_programme(
        self,
        *,
        university_code: str,
        prodi_code: str,
        name: str,
        level: Level,
        orientation: Orientation,
        accreditation: Accreditation | None,
        cause: Cause,
    ) -> Receipt:
        require_national(cause.actor, REGISTRY_KEEPERS)
        university_code = UniversityCode.parse(university_code).value
        prodi_code = ProdiCode.parse(prodi_code).value
        name = parse_programme_name(name)
        accreditation = accreditation.parsed(self.today()) if accreditation else None

        def command() -> Receipt:
            self.load(University, University.create_id(university_code), "university", university_code)
            programme = self.find(Programme, Programme.create_id(university_code, prodi_code))
            if programme is None:
                programme = Programme(
                    university_code=university_code,
                    prodi_code=prodi_code,
                    name=name,
                    level=level,
                    orientation=orientation,
                    accreditation=accreditation,
                    cause=cause,
                )
            else:
                programme.register_again(
                    name=name, level=level, orientation=orientation, accreditation=accreditation, cause=cause
                )
            return self.receipt(self.commit(programme))

        return self.retrying(command)

    # Students' records (PIN-0) ---------------------------------------------------------------

    def register_student(
        self,
        *,
        university_code: str,
        nim: str,
        prodi_code: str,
        entry_period: str,
        personal: PersonalData,
        cause: Cause,
    ) -> Receipt:
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, RECORD_REPORTERS, university_code)
        prodi_code = ProdiCode.parse(prodi_code).value
        entry = Period.parse(entry_period, field="entryPeriod")
        today = self.today()
        personal = parse_personal(**vars(personal), today=today)

        unit = active_unit()
        sealer = unit.sealer if unit is not None and unit.sealer is not None else self.sealer  # keys fetched in bulk

        def command() -> Receipt:
            self.load(Programme, Programme.create_id(university_code, prodi_code), "prodi", prodi_code)
            student = self.find(Student, Student.create_id(university_code, nim))
            if student is not None:
                student.register_again(prodi_code=prodi_code, entry_period=entry, personal=personal, sealer=sealer)
                return self.receipt(None)
            student = Student.register(
                university_code=university_code,
                nim=nim,
                prodi_code=prodi_code,
                entry_period=entry,
                personal=personal,
                today=today,
                sealer=sealer,
                cause=cause,
            )
            return self.receipt(self.commit(student))

        return self.retrying(command)

    def report_semester(self, *, university_code: str, nim: str, report: SemesterReport, cause: Cause) -> Receipt:
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, RECORD_REPORTERS, university_code)

        def command() -> Receipt:
            student = self._student(university_code, nim)
            student.report_semester(report, self.today(), cause)
            return self.receipt(self.commit(student))

        return self.retrying(command)

    def withdraw_semester_report(
        self, *, university_code: str, nim: str, period: str, reason: str | None, cause: Cause
    ) -> Receipt:
        """PIN-0: a report made in error stops counting; the history keeps it, and why it was withdrawn."""
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, RECORD_REPORTERS, university_code)
        withdrawn = Period.parse_form(period)  # no date bounds: a wrongly accepted 99992 must be withdrawable
        why = optional_text(reason, field="reason", max_chars=REMARK_CHARS, multiline=True)
        cause = replace(cause, reason=why)

        def command() -> Receipt:
            student = self._student(university_code, nim)
            student.withdraw_semester_report(withdrawn, cause)
            return self.receipt(self.commit(student))

        return self.retrying(command)

    def record_graduation(self, *, university_code: str, nim: str, graduation: Graduation, cause: Cause) -> Receipt:
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, RECORD_REPORTERS, university_code)
        number = parse_text(graduation.decree_number, field="yudisiumNumber", max_chars=DOCUMENT_NUMBER_CHARS)
        graduation = replace(graduation, decree_number=number)

        def command() -> Receipt:
            student = self._student(university_code, nim)
            student.record_graduation(graduation, self.today(), cause)
            return self.receipt(self.commit(student))

        return self.retrying(command)

    def erase_personal_data(self, *, university_code: str, nim: str, cause: Cause) -> ErasureReceipt:
        """UU PDP erasure: record who and why, then destroy the student's key; history stays, unreadable."""
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, ERASERS, university_code)
        why = optional_text(cause.reason, field="reason", max_chars=REMARK_CHARS, multiline=True, rule_id="PDP.erasure")
        cause = replace(cause, reason=why)

        def command() -> ErasureReceipt:
            student = self._student(university_code, nim)
            recorded = student.erase_personal_data(cause)
            position = self.commit(student)
            # After the record, so a retry (or the worker's start-up sweep) finishes an interrupted erasure.
            destroyed = self.sealer.erase(student.id, self.clock().isoformat())
            outcome = self._erasure_outcome(recorded, destroyed, university_code, nim)
            return ErasureReceipt(self.name, position, outcome=outcome)

        return self.retrying(command)

    # ------------------------------------------------------------------------------------------

    def _student(self, university_code: str, nim: str) -> Student:
        return self.load(Student, Student.create_id(university_code, nim), "student", f"{university_code}/{nim}")

    def record_import(
        self, *, sha256: str, lines_read: int, tallies: tuple[UniversityTally, ...], cause: Cause
    ) -> Receipt:
        """What an import of a PDDIKTI file did, per university (issue 32): the bulk import's own record."""
        require(cause.actor, frozenset({Role.PDDIKTI_SYNC}))
        return self.receipt(
            self.commit(PddiktiImport(sha256=sha256, lines_read=lines_read, tallies=tallies, cause=cause))
        )
