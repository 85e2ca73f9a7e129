from __future__ import annotations

from dataclasses import dataclass

from domain.diploma.diploma import Diploma


@dataclass(frozen=True)
class RegisteredDiploma:
    university_code: str
    nim: str
    full_name: str
    prodi_code: str
    nina: str
    status: str  # RESERVED, PAIRED, VOID or CANCELLED_IN_ERROR (PIN-5)
    reserved_at: str
    reserved_by: str
    reservation_ruleset: str
    paired_at: str | None
    paired_by: str | None
    pairing_ruleset: str | None
    graduation_date: str | None
    yudisium_number: str | None
    annulled_on: str | None = None
    annulled_by: str | None = None
    annulment_reason: str | None = None
    annulment_legal_basis: str | None = None
    proposal_status: str | None = None  # OPEN, REJECTED, ACCEPTED or SUPERSEDED
    proposed_on: str | None = None
    proposed_by: str | None = None
    proposal_reason: str | None = None
    proposal_remark: str | None = None  # the Director General's, on rejection
    replaces_nina: str | None = None  # the NINA cancelled in error that this one replaces

    @property
    def record_id(self) -> str:
        """The diploma's aggregate id (one per student, holding each NINA they were given): for the audit tools."""
        return str(Diploma.create_id(self.university_code, self.nim))
