"""A university's register of its students as reported (issue 32): who, in which prodi, where they stand.

Read by the university's own staff and by the student themself; the name comes from the numbering read model,
which keeps it unsealed for staff views (an erased student's reads as erased)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.registry.record import SemesterStatus
from domain.registry.student import Student
from projections.store import ReadStore, one


class Standing(StrEnum):
    """Where a student stands: graduated (yudisium recorded), else their latest reported semester's status."""

    GRADUATED = "GRADUATED"
    ACTIVE = "ACTIVE"
    ON_LEAVE = "ON_LEAVE"
    NON_ACTIVE = "NON_ACTIVE"
    NOT_REPORTED = "NOT_REPORTED"


_OF_SEMESTER = {
    SemesterStatus.ACTIVE.value: Standing.ACTIVE,
    SemesterStatus.ON_LEAVE.value: Standing.ON_LEAVE,
    SemesterStatus.NON_ACTIVE.value: Standing.NON_ACTIVE,
}


def student_record_id(university_code: str, nim: str) -> UUID:
    """A registered student's record id (the registry's aggregate): the key of what is held about them."""
    return Student.create_id(university_code, nim)


@dataclass(frozen=True)
class StudentRow:
    university_code: str
    nim: str
    full_name: str
    prodi_code: str
    entry_period: str
    yudisium_number: str | None
    yudisium_date: str | None
    latest_period: str | None
    latest_status: str | None  # SemesterStatus value

    @property
    def record_id(self) -> str:
        """The student's aggregate id: what the audit tools take."""
        return str(student_record_id(self.university_code, self.nim))

    @property
    def standing(self) -> Standing:
        if self.yudisium_number:
            return Standing.GRADUATED
        return _OF_SEMESTER.get(self.latest_status or "", Standing.NOT_REPORTED)


@dataclass(frozen=True)
class ReportRow:
    period: str
    status: str  # SemesterStatus value
    sks_taken: int
    ips: str
    ipk: str
    sks_passed: int


_LATEST = (
    "(SELECT r.{column} FROM eligibility_reports r WHERE r.university_code = s.university_code AND r.nim = s.nim"
    " ORDER BY r.period DESC LIMIT 1)"
)
_STUDENTS = (
    "SELECT * FROM (SELECT s.university_code, s.nim, COALESCE(n.full_name, '') AS full_name, s.prodi_code,"
    f" s.entry_period, s.yudisium_number, s.yudisium_date, {_LATEST.format(column='period')} AS latest_period,"
    f" {_LATEST.format(column='status')} AS latest_status FROM eligibility_students s"
    " LEFT JOIN numbering_students n ON n.university_code = s.university_code AND n.nim = s.nim) AS t"
    " WHERE university_code = :u AND (CAST(:p AS TEXT) IS NULL OR prodi_code = :p)"
    " AND (CAST(:prefix AS TEXT) IS NULL OR substr(nim, 1, :prefix_length) = :prefix)"
)


def _standing_filter(standing: Standing | None) -> tuple[str, dict[str, Any]]:
    if standing is None:
        return "", {}
    if standing is Standing.GRADUATED:
        return " AND yudisium_number IS NOT NULL", {}
    if standing is Standing.NOT_REPORTED:
        return " AND yudisium_number IS NULL AND latest_status IS NULL", {}
    status = next(s for s, named in _OF_SEMESTER.items() if named is standing)
    return " AND yudisium_number IS NULL AND latest_status = :status", {"status": status}


class StudentRegister:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def students(
        self,
        university_code: str,
        *,
        prodi_code: str | None = None,
        standing: Standing | None = None,
        nim_prefix: str | None = None,
        limit: int,
        offset: int,
    ) -> list[StudentRow]:
        where, params = self._where(university_code, prodi_code, standing, nim_prefix)
        rows = self.store.query(
            _STUDENTS + where + " ORDER BY nim LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return [StudentRow(**r) for r in rows]

    def count(
        self,
        university_code: str,
        *,
        prodi_code: str | None = None,
        standing: Standing | None = None,
        nim_prefix: str | None = None,
    ) -> int:
        where, params = self._where(university_code, prodi_code, standing, nim_prefix)
        row = one(self.store.query(f"SELECT COUNT(*) AS n FROM ({_STUDENTS}{where}) AS c", params))
        return int(row["n"]) if row else 0

    def student(self, university_code: str, nim: str) -> StudentRow | None:
        rows = self.store.query(
            _STUDENTS + " AND nim = :nim",
            {"u": university_code, "p": None, "prefix": None, "prefix_length": 0, "nim": nim},
        )
        return StudentRow(**rows[0]) if rows else None

    def reports(self, university_code: str, nim: str) -> list[ReportRow]:
        """The semesters that count, in period order (a withdrawn report no longer counts; the log keeps it)."""
        rows = self.store.query(
            "SELECT period, status, sks_taken, ips, ipk, sks_passed FROM eligibility_reports"
            " WHERE university_code = :u AND nim = :nim ORDER BY period",
            {"u": university_code, "nim": nim},
        )
        return [ReportRow(**r) for r in rows]

    @staticmethod
    def _where(
        university_code: str, prodi_code: str | None, standing: Standing | None, nim_prefix: str | None
    ) -> tuple[str, dict[str, Any]]:
        where, extra = _standing_filter(standing)
        params = {
            "u": university_code,
            "p": prodi_code,
            "prefix": nim_prefix,
            "prefix_length": len(nim_prefix or ""),
            **extra,
        }
        return where, params
