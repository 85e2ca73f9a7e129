"""A study programme (prodi) of one university, with its level and accreditation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation


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


def check_prodi_code(code: str, field: str = "prodiCode") -> str:
    if not (code.isascii() and code.isdigit() and len(code) == 5):
        raise violation("PIN-1", field, f"a PDDIKTI prodi code has 5 digits; got {code!r}")
    return code


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
        if accreditation.valid_until < accreditation.valid_from:
            raise violation("PIN-0", "accreditationValidUntil", "validity ends before it starts")
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
