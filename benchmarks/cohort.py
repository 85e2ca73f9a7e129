"""A graduating cohort of one prodi, saved straight through the aggregates in large transactions: setting up
is not what is measured, so it is done the fast way. The students are saved as an import's chunk saves them (a
unit's flush), so that they are snapshotted as imported students are (issue 35)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from application.diploma.diplomas import Diplomas
from domain.audit import Actor, Cause, Role
from domain.personal import PersonalData
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.registry.period import Period
from domain.registry.programme import Programme
from domain.registry.record import SemesterReport, SemesterStatus
from domain.registry.student import Student
from domain.registry.university import University

UNIVERSITY = "001002"
PRODI = "55201"
ADMIN = Cause(Actor("admin@bench", Role.MINISTRY_ADMIN, None), request_id="bench")
OPERATOR = Cause(Actor("operator@bench", Role.UNIVERSITY_OPERATOR, UNIVERSITY), request_id="bench")
BATCH = 500


def nims(count: int) -> list[str]:
    return [f"2020{i:05d}" for i in range(1, count + 1)]


def operator(university: str) -> Cause:
    """An operator of ``university`` (the numbering commands are for one's own university only)."""
    return Cause(Actor(f"operator@{university}", Role.UNIVERSITY_OPERATOR, university), request_id="bench")


def eligible_cohort(app: Diplomas, count: int, code: str = UNIVERSITY) -> list[str]:
    """``count`` S1 students of one prodi, each eligible for a NINA: 8 semesters, 160 sks, IPK 3.50."""
    today = app.today()
    university = University(code=code, name="Universitas Tolok Ukur", cause=ADMIN)
    programme = Programme(
        university_code=code,
        prodi_code=PRODI,
        name="Informatika",
        level=Level.S1,
        orientation=Orientation.ACADEMIC,
        accreditation=Accreditation("UNGGUL", date(2019, 1, 1), date(today.year + 4, 12, 31)),
        cause=ADMIN,
    )
    app.save(university, programme)
    entry = Period(today.year - 4, 1)
    periods = [Period.from_ordinal(entry.ordinal + i) for i in range(8)]
    students = []
    all_nims = nims(count)
    sealer = app.sealer
    by = operator(code)  # the university's own operator reports its students
    for n, nim in enumerate(all_nims):
        if n % BATCH == 0 and hasattr(app.sealer, "prepared"):  # the batch's keys in two statements
            batch = all_nims[n : n + BATCH]
            sealer = app.sealer.prepared([Student.create_id(code, m) for m in batch])
        student = Student.register(
            university_code=code,
            nim=nim,
            prodi_code=PRODI,
            entry_period=entry,
            personal=PersonalData(full_name=f"Mahasiswa {n}", nik=f"3171{n:012d}"),
            today=today,
            sealer=sealer,
            cause=by,
        )
        for i, period in enumerate(periods, start=1):
            report = SemesterReport(period, SemesterStatus.ACTIVE, 20, Decimal("3.50"), Decimal("3.50"), 20 * i)
            student.report_semester(report, today, by)
        students.append(student)
        if len(students) == BATCH:
            _save_as_imported(app, students)
            students = []
    if students:
        _save_as_imported(app, students)
    return all_nims


def _save_as_imported(app: Diplomas, students: list[Student]) -> None:
    with app.unit() as unit:
        app.commit(*students)
        app.flush(unit)
