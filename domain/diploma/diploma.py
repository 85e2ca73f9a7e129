"""A student's national diploma number: reserved (pesan, PIN-2) then paired (pasang, PIN-3)."""

from __future__ import annotations

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.diploma.nina import NINA
from domain.diploma.record import AcademicRecord, Graduation
from domain.diploma.ruleset import Decision, Ruleset
from domain.errors import Failure, RuleViolation, violation
from domain.personal import Sealed


class DiplomaStatus(StrEnum):
    RESERVED = "RESERVED"
    PAIRED = "PAIRED"


class NotEligible(RuleViolation):
    """The ruleset refused the decision; ``failures`` name each broken rule id."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(*decision.failures)
        self.decision = decision


class Diploma(Aggregate):
    """Ijazah: one per student (university code and NIM)."""

    class NINAReserved(Aggregate.Created):
        """Pemesanan NINA; records the ruleset, the rule ids applied and the inputs seen (PIN-8)."""

        university_code: str
        prodi_code: str
        nim: str
        student_id: UUID
        nina: NINA
        decision: Decision
        cause: Cause

    class NINAPaired(Aggregate.Event):
        """Pemasangan NINA with the NIM after yudisium (PIN-3); SIVIL lists it from here (PIN-4)."""

        university_code: str
        prodi_code: str
        nim: str
        nina: NINA
        graduation: Graduation
        decision: Decision
        holder: Sealed
        cause: Cause

    @classmethod
    def reserve(
        cls,
        *,
        university_code: str,
        prodi_code: str,
        nim: str,
        student_id: UUID,
        nina: NINA,
        ruleset: Ruleset,
        record: AcademicRecord,
        cause: Cause,
    ) -> Diploma:
        decision = ruleset.reservation(record)  # PIN-2, PIN-8
        if not decision.allowed:
            raise NotEligible(decision)
        return cls(
            university_code=university_code,
            prodi_code=prodi_code,
            nim=nim,
            student_id=student_id,
            nina=nina,
            decision=decision,
            cause=cause,
        )

    @event(NINAReserved)
    def __init__(
        self,
        university_code: str,
        prodi_code: str,
        nim: str,
        student_id: UUID,
        nina: NINA,
        decision: Decision,
        cause: Cause,
    ) -> None:
        self.university_code = university_code
        self.prodi_code = prodi_code
        self.nim = nim
        self.student_id = student_id
        self.nina = nina
        self.status = DiplomaStatus.RESERVED

    @staticmethod
    def create_id(university_code: str, nim: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/universities/{university_code}/diplomas/{nim}")

    def pair(self, *, nina: NINA, ruleset: Ruleset, record: AcademicRecord, holder: Sealed, cause: Cause) -> None:
        if self.status is DiplomaStatus.PAIRED:
            raise violation("PIN-3.reservation", "nina", f"NINA {self.nina} is already paired with NIM {self.nim}")
        if nina != self.nina:  # PIN-3: only the NINA reserved for this student
            raise violation("PIN-3.reservation", "nina", f"NINA {nina} is not the one reserved for NIM {self.nim}")
        decision = ruleset.pairing(record)  # PIN-3, PIN-8
        if not decision.allowed:
            raise NotEligible(decision)
        assert record.graduation is not None  # PIN-3.graduated passed
        self._nina_paired(
            university_code=self.university_code,
            prodi_code=self.prodi_code,
            nim=self.nim,
            nina=nina,
            graduation=record.graduation,
            decision=decision,
            holder=holder,
            cause=cause,
        )

    @event(NINAPaired)
    def _nina_paired(
        self,
        university_code: str,
        prodi_code: str,
        nim: str,
        nina: NINA,
        graduation: Graduation,
        decision: Decision,
        holder: Sealed,
        cause: Cause,
    ) -> None:
        self.status = DiplomaStatus.PAIRED


def not_reserved(nim: str) -> RuleViolation:
    return RuleViolation(Failure("PIN-3.reservation", "nim", f"no NINA has been reserved for NIM {nim}"))
