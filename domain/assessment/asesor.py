"""An asesor (ASM-3): registrations per skema with their validity, and what makes a conflict of interest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation


@dataclass(frozen=True)
class Registration:
    skema_code: str
    valid_from: date
    valid_until: date


@dataclass(frozen=True)
class Candidate:
    """What a conflict check needs to know of the asesi: an opaque key and their employer, if any."""

    key: str  # the candidate's id in the assessment context: never a NIK in the clear
    employer: str | None


class Asesor(Aggregate):
    class Registered(Aggregate.Created):
        asesor_number: str  # the registration number BNSP gave, kept as given
        employer: str | None
        cause: Cause

    class RegisteredForSkema(Aggregate.Event):
        asesor_number: str
        registration: Registration
        cause: Cause

    class RelationDeclared(Aggregate.Event):
        """The asesor declares a relation with a candidate (family, colleague, ...): they never assess them."""

        asesor_number: str
        candidate_key: str
        cause: Cause

    class EmployerChanged(Aggregate.Event):
        asesor_number: str
        employer: str | None
        cause: Cause

    @event(Registered)
    def __init__(self, asesor_number: str, employer: str | None, cause: Cause) -> None:
        self.asesor_number = asesor_number
        self.employer = employer
        self.registrations: dict[str, Registration] = {}
        self.relations: set[str] = set()

    @staticmethod
    def create_id(asesor_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/asesor/{asesor_number}")

    def register_for(self, registration: Registration, cause: Cause) -> None:
        if registration.valid_until < registration.valid_from:
            raise violation("ASM-3.registration", "validUntil", "a registration starts before it ends")
        self._registered_for_skema(asesor_number=self.asesor_number, registration=registration, cause=cause)

    def declare_relation(self, candidate_key: str, cause: Cause) -> None:
        if candidate_key not in self.relations:
            self._relation_declared(asesor_number=self.asesor_number, candidate_key=candidate_key, cause=cause)

    def change_employer(self, employer: str | None, cause: Cause) -> None:
        if employer != self.employer:
            self._employer_changed(asesor_number=self.asesor_number, employer=employer, cause=cause)

    def check_may_assess(self, skema_code: str, day: date, candidate: Candidate) -> None:
        """ASM-3: a valid registration for the skema on the day, and no conflict of interest (decided: the same
        employer, compared without case, or a declared relation)."""
        self.check_registered(skema_code, day)
        self.check_no_conflict(candidate)

    def check_no_conflict(self, candidate: Candidate) -> None:
        """ASM-3.conflict: checked at the assignment and again at each judgement (a relation declared since counts)."""
        same_employer = (
            self.employer is not None
            and candidate.employer is not None
            and self.employer.casefold() == candidate.employer.casefold()
        )
        if same_employer or candidate.key in self.relations:
            why = "works for the same employer" if same_employer else "declared a relation with the candidate"
            raise violation("ASM-3.conflict", "asesorNumber", f"asesor {self.asesor_number} {why}")

    def check_registered(self, skema_code: str, day: date) -> None:
        """ASM-3: registered for the skema on the day (both ends of the registration count)."""
        registration = self.registrations.get(skema_code)
        if registration is None:
            raise violation(
                "ASM-3.registration", "asesorNumber", f"asesor {self.asesor_number} is not registered for {skema_code}"
            )
        if not registration.valid_from <= day <= registration.valid_until:
            raise violation(
                "ASM-3.registration",
                "asesorNumber",
                f"asesor {self.asesor_number}'s registration for {skema_code} is valid {registration.valid_from} "
                f"to {registration.valid_until}; not on {day}",
            )

    @event(RegisteredForSkema)
    def _registered_for_skema(self, asesor_number: str, registration: Registration, cause: Cause) -> None:
        self.registrations[registration.skema_code] = registration

    @event(RelationDeclared)
    def _relation_declared(self, asesor_number: str, candidate_key: str, cause: Cause) -> None:
        self.relations.add(candidate_key)

    @event(EmployerChanged)
    def _employer_changed(self, asesor_number: str, employer: str | None, cause: Cause) -> None:
        self.employer = employer
