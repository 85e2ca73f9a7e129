"""A study programme (prodi) of one university, with its level and accreditation."""

from __future__ import annotations

import functools
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation
from domain.ids import url_id
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.text import NAME_CHARS, parse_text


@functools.lru_cache(maxsize=1 << 12)  # a few thousand programmes, each derived twice per reservation (issue 35)
def _programme_id(university_code: str, prodi_code: str) -> UUID:
    return url_id(f"/universities/{university_code}/prodi/{prodi_code}")


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
        return _programme_id(university_code, prodi_code)  # by position: one cache key however it is called

    def register_again(
        self, *, name: str, level: Level, orientation: Orientation, accreditation: Accreditation | None, cause: Cause
    ) -> None:
        """PIN-0: a re-sent registration renames and adds an accreditation; the level and orientation stay."""
        if (self.level, self.orientation) != (level, orientation):
            raise violation(
                "PIN-0", "level", f"prodi {self.prodi_code} is registered as {self.level} {self.orientation}"
            )
        self.rename(name, cause)
        if accreditation:
            self.record_accreditation(accreditation, cause)

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
