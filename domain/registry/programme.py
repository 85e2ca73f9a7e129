"""A study programme (prodi) of one university, with its level and accreditation."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import Failure, RuleViolation
from domain.registry.codes import ProdiCode
from domain.text import NAME_CHARS, parse_text, shown

GRADE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,39}", re.ASCII)  # UNGGUL, BAIK SEKALI, A, TIDAK_TERAKREDITASI
# (decided) Plausible accreditation dates: none before 1950, none ending more than 10 years ahead
# (BAN-PT and LAM accredit for 5 years; a later end is a typing error, e.g. 9999-12-31).
EARLIEST_ACCREDITATION = date(1950, 1, 1)
YEARS_AHEAD = 10


class Level(StrEnum):
    D1 = "D1"
    D2 = "D2"
    D3 = "D3"
    D4 = "D4"  # Sarjana Terapan
    S1 = "S1"
    S2 = "S2"  # Magister (and Magister Terapan)
    S3 = "S3"  # Doktor (and Doktor Terapan)


class Orientation(StrEnum):
    ACADEMIC = "academic"
    APPLIED = "applied"  # terapan


@dataclass(frozen=True)
class Accreditation:
    """BAN-PT or LAM status; ``grade`` ``TIDAK_TERAKREDITASI`` means not accredited."""

    grade: str
    valid_from: date
    valid_until: date

    def covers(self, day: date) -> bool:
        return self.grade != "TIDAK_TERAKREDITASI" and self.valid_from <= day <= self.valid_until

    def parsed(self, today: date) -> Accreditation:
        """PIN-0: the grade in its alphabet and a plausible validity, or every failure at once."""
        failures = []
        grade = parse_text(self.grade, field="accreditationGrade", max_chars=40)
        if not GRADE.fullmatch(grade):
            message = f"a grade is ASCII letters, digits, spaces or _; got {shown(grade)}"
            failures.append(Failure("PIN-0", "accreditationGrade", message))
        if self.valid_from < EARLIEST_ACCREDITATION:
            failures.append(
                Failure("PIN-0", "accreditationValidFrom", f"validity starts on {EARLIEST_ACCREDITATION} or later")
            )
        latest = _years_after(today, YEARS_AHEAD)
        if self.valid_until > latest:
            failures.append(
                Failure("PIN-0", "accreditationValidUntil", f"validity ends by {latest} ({YEARS_AHEAD} years ahead)")
            )
        if self.valid_until < self.valid_from:
            failures.append(Failure("PIN-0", "accreditationValidUntil", "validity ends before it starts"))
        if failures:
            raise RuleViolation(*failures)
        return replace(self, grade=grade)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_prodi_code(code: str, field: str = "prodiCode") -> str:
    """PIN-1: see ``ProdiCode``."""
    return ProdiCode.parse(code, field).value


def parse_programme_name(name: object) -> str:
    return parse_text(name, field="name", max_chars=NAME_CHARS)


class Programme(Aggregate):
    """Program studi (prodi)."""

    class Registered(Aggregate.Created):
        university_code: str
        prodi_code: str
        name: str
        level: Level
        orientation: Orientation
        accreditation: Accreditation | None
        cause: Cause

    class AccreditationRecorded(Aggregate.Event):
        university_code: str
        prodi_code: str
        accreditation: Accreditation
        cause: Cause

    class Renamed(Aggregate.Event):
        university_code: str
        prodi_code: str
        name: str
        cause: Cause

    @event(Registered)
    def __init__(
        self,
        university_code: str,
        prodi_code: str,
        name: str,
        level: Level,
        orientation: Orientation,
        accreditation: Accreditation | None,
        cause: Cause,
    ) -> None:
        self.university_code = university_code
        self.prodi_code = prodi_code
        self.name = name
        self.level = level
        self.orientation = orientation
        self.accreditations: list[Accreditation] = [accreditation] if accreditation else []

    @staticmethod
    def create_id(university_code: str, prodi_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/universities/{university_code}/prodi/{prodi_code}")

    def accredited_on(self, day: date) -> bool:
        return any(a.covers(day) for a in self.accreditations)

    def record_accreditation(self, accreditation: Accreditation, cause: Cause) -> None:
        if accreditation not in self.accreditations:
            self._accreditation_recorded(
                university_code=self.university_code,
                prodi_code=self.prodi_code,
                accreditation=accreditation,
                cause=cause,
            )

    @event(AccreditationRecorded)
    def _accreditation_recorded(
        self, university_code: str, prodi_code: str, accreditation: Accreditation, cause: Cause
    ) -> None:
        self.accreditations.append(accreditation)

    def rename(self, name: str, cause: Cause) -> None:
        if name != self.name:
            self._renamed(university_code=self.university_code, prodi_code=self.prodi_code, name=name, cause=cause)

    @event(Renamed)
    def _renamed(self, university_code: str, prodi_code: str, name: str, cause: Cause) -> None:
        self.name = name
