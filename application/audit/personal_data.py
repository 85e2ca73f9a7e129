"""A student's personal data and its processing trail (UU PDP 27/2022; issue 12, item 6).

The law gives a person their data, and who did what with it, within 3x24 hours; this answers at once, from the
log itself: the registry's record with the sealed data unsealed for its subject, and every event that processed
it (the registry's, the diploma's, the submissions' and the DPI's, each with who, when, why and the request),
and each SIVIL verification of the diploma (when, through which door, from which address). After an erasure the
data reads as erased and the trail stays: what was done is history, the person's data is not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.audit.trail import AuditTrail
from application.service import Service
from domain.audit.record import EventRecord, plain, state_of
from domain.diploma.diploma import Diploma
from domain.personal import Unsealer
from domain.registry.student import Student
from domain.submission.dpi import Dpi


@dataclass(frozen=True)
class Verified:
    """One look-up of the person's diploma in SIVIL, as the verification trail keeps it."""

    at: datetime
    via: str  # web, graphql, status, pdf
    client_address: str


@dataclass(frozen=True)
class Processing:
    at: datetime
    context: str
    what: str  # the event, e.g. Student.SemesterReported, or "SIVIL verification"
    by: str  # role:id@institution, or "public" for a SIVIL look-up
    reason: str | None
    request_id: str | None


@dataclass(frozen=True)
class PersonalDataReport:
    subject: str
    generated_at: datetime
    erased: bool
    personal: dict[str, Any] | None  # None once erased
    records: dict[str, Any]  # what is held about the person, by aggregate, personal data unsealed
    trail: list[Processing]  # oldest first

    def as_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "generatedAt": self.generated_at.isoformat(),
            "erased": self.erased,
            "personalData": self.personal,
            "records": self.records,
            "trail": [
                {
                    "at": p.at.isoformat(),
                    "context": p.context,
                    "what": p.what,
                    "by": p.by,
                    "reason": p.reason,
                    "requestId": p.request_id,
                }
                for p in self.trail
            ],
        }


SubmissionsOf = Callable[[str, str], Iterable[UUID]]  # (university, NIM): the student's submissions
VerificationsOf = Callable[[str, str, str], Iterable[Verified]]  # (university, prodi, NINA): SIVIL look-ups


class PersonalDataReports:
    def __init__(
        self,
        trail: AuditTrail,
        registry: Service,
        unsealer: Unsealer,
        submissions_of: SubmissionsOf,
        verifications_of: VerificationsOf,
        clock: Callable[[], datetime],
    ) -> None:
        self.trail = trail
        self.registry = registry
        self.unsealer = unsealer
        self.submissions_of = submissions_of
        self.verifications_of = verifications_of
        self.clock = clock

    def of_student(self, university_code: str, nim: str) -> PersonalDataReport | None:
        """None when no such student is registered."""
        student = self.registry.find(Student, Student.create_id(university_code, nim))
        if student is None:
            return None
        personal = self.unsealer.unseal(student.personal)
        records: dict[str, Any] = {"student": _unsealed(state_of(student), personal)}
        trail: list[Processing] = []
        ids = [Student.create_id(university_code, nim), Diploma.create_id(university_code, nim)]
        ids += [*self.submissions_of(university_code, nim), Dpi.create_id(university_code, nim)]
        for aggregate_id in ids:
            events = self._events(aggregate_id)
            trail += [_processing(e) for e in events]
        diploma = self.registry.find(Diploma, Diploma.create_id(university_code, nim))
        if diploma is not None:
            records["diploma"] = state_of(diploma)
            looked_up = self.verifications_of(university_code, diploma.prodi_code, diploma.nina.value)
            trail += [
                Processing(
                    v.at, "sivil", "SIVIL verification", f"public via {v.via} from {v.client_address}", None, None
                )
                for v in looked_up
            ]
        return PersonalDataReport(
            subject=f"student {university_code}/{nim}",
            generated_at=self.clock(),
            erased=personal is None,
            personal=plain(dataclasses.asdict(personal)) if personal is not None else None,
            records=records,
            trail=sorted(trail, key=lambda p: p.at),
        )

    def _events(self, aggregate_id: UUID) -> list[EventRecord]:
        records: list[EventRecord] = []
        after = 0
        while True:
            page = self.trail.history(aggregate_id, after_version=after, first=500)
            if page is None:
                return records
            records += page.events
            if len(page.events) < 500:
                return records
            after = page.events[-1].version


def _processing(e: EventRecord) -> Processing:
    who = f"{e.actor_role}:{e.actor_id}" + (f"@{e.actor_institution}" if e.actor_institution else "")
    return Processing(e.at, e.context, e.type, who, e.reason, e.request_id)


def _unsealed(state: dict[str, Any], personal: Any) -> dict[str, Any]:
    """The record with its sealed part shown to its subject (or as erased)."""
    shown = dict(state)
    shown["personal"] = plain(dataclasses.asdict(personal)) if personal is not None else "erased"
    return shown
