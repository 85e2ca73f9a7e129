"""A student's national diploma number: reserved (pesan, PIN-2), paired (pasang, PIN-3), annulled (PIN-5)."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.creation import QuickCreated, QuickCreation
from domain.diploma.annulment import (
    DIRECTOR_GENERAL_RULES,
    PROPOSAL_RULES,
    AnnulmentKind,
    AnnulmentProposal,
    blank,
    required,
)
from domain.diploma.nina import NINA
from domain.diploma.ruleset import Decision, Ruleset
from domain.diploma.status import ANNULLED, DiplomaStatus
from domain.errors import Failure, RuleViolation, violation
from domain.ids import url_id
from domain.personal import Sealed
from domain.registry.record import AcademicRecord, Graduation


def reservation_blocker(status: DiplomaStatus | None, nina: str, nim: str) -> Failure | None:
    """What stops a new reservation before the ruleset is asked; the eligibility view shares it (PIN-2, PIN-5)."""
    if status is None or status is DiplomaStatus.CANCELLED_IN_ERROR:  # after an error: a new NINA (decided)
        return None
    if status is DiplomaStatus.VOID:
        return Failure(
            "PIN-5.void",
            "nim",
            f"NINA {nina} of NIM {nim} was annulled by the Director General; no new NINA is reserved",
        )
    return Failure("PIN-2.once", "nim", f"NINA {nina} is already reserved for NIM {nim}")


def pairing_blocker(status: DiplomaStatus | None, nina: str, nim: str) -> Failure | None:
    """What stops a pairing before the ruleset is asked; the eligibility view shares it (PIN-3, PIN-5)."""
    if status is None:
        return Failure("PIN-3.reservation", "nim", f"no NINA has been reserved for NIM {nim}")
    if status in ANNULLED:
        return Failure("PIN-5.annulled", "nim", f"NINA {nina} of NIM {nim} was annulled ({status})")
    if status is DiplomaStatus.PAIRED:
        return Failure("PIN-3.reservation", "nina", f"NINA {nina} is already paired with NIM {nim}")
    return None


class NotEligible(RuleViolation):
    """The ruleset refused the decision; ``failures`` name each broken rule id."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(*decision.failures)
        self.decision = decision


class Diploma(QuickCreation, Aggregate, metaclass=QuickCreated):  # created the cheaper way (domain/creation.py)
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
        paired_on: date | None = None  # the day in Jakarta; None in events recorded before it was kept

    class AnnulmentProposed(Aggregate.Event):
        """Usulan pembatalan NINA: the university leader proposes annulment of a NINA made in error (PIN-5)."""

        university_code: str
        prodi_code: str
        nim: str
        nina: NINA
        proposal: AnnulmentProposal
        cause: Cause

    class AnnulmentProposalRejected(Aggregate.Event):
        """Usulan pembatalan ditolak: the Director General keeps the NINA; the remark is the cause's reason."""

        university_code: str
        prodi_code: str
        nim: str
        nina: NINA
        proposal: AnnulmentProposal
        on: date
        cause: Cause

    class NINAAnnulled(Aggregate.Event):
        """Pembatalan NINA (PIN-5): never issued again; SIVIL shows its kind and date, never the reason."""

        university_code: str
        prodi_code: str
        nim: str
        nina: NINA
        kind: AnnulmentKind
        on: date  # effective date, in Jakarta
        legal_basis: str | None  # required when the Director General annuls on their own motion
        was_paired: bool  # a paired NINA is a diploma in SIVIL; a reserved one never was
        proposal: AnnulmentProposal | None  # the accepted proposal, for CANCELLED_IN_ERROR
        rule_ids: tuple[str, ...]
        cause: Cause  # the Director General, with the reason

    class NINAReservedAgain(Aggregate.Event):
        """Pemesanan NINA baru after the previous NINA was cancelled in error (PIN-2, PIN-5): a new number."""

        university_code: str
        prodi_code: str
        nim: str
        nina: NINA
        replaces: NINA
        decision: Decision
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
        reserved: Diploma = cls(  # the library's @event leaves the constructor untyped
            university_code=university_code,
            prodi_code=prodi_code,
            nim=nim,
            student_id=student_id,
            nina=nina,
            decision=decision,
            cause=cause,
        )
        return reserved

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
        self.proposal: AnnulmentProposal | None = None
        self.annulled_on: date | None = None

    @staticmethod
    def create_id(university_code: str, nim: str) -> UUID:
        return _diploma_id(university_code, nim)  # by position: the library passes keywords, a separate cache key

    def pair(
        self, *, nina: NINA, ruleset: Ruleset, record: AcademicRecord, holder: Sealed, on: date, cause: Cause
    ) -> None:
        blocker = pairing_blocker(self.status, self.nina.value, self.nim)
        if blocker is not None:
            raise RuleViolation(blocker)
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
            paired_on=on,
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
        paired_on: date | None = None,
    ) -> None:
        self.status = DiplomaStatus.PAIRED

    # Annulment (PIN-5) ------------------------------------------------------------------------

    @property
    def annulled(self) -> bool:
        return self.status in ANNULLED

    def annul(self, *, reason: str | None, legal_basis: str | None, on: date, cause: Cause) -> None:
        """The Director General annuls for non-compliant learning or reporting: void from the start."""
        if self.annulled:
            raise self._annulled()
        failures = [
            *required(reason, "PIN-5.reason", "reason", "the Director General annuls a NINA only with a reason"),
            *required(
                legal_basis,
                "PIN-5.legal_basis",
                "legalBasis",
                "the Director General annuls a NINA only on a legal basis (the decree or article applied)",
            ),
        ]
        if failures:
            raise RuleViolation(*failures)
        assert reason is not None and legal_basis is not None
        # An open proposal is superseded: the annulment on the Director General's own motion decides it.
        self._annul(
            kind=AnnulmentKind.VOID,
            on=on,
            legal_basis=legal_basis.strip(),
            proposal=None,
            rule_ids=DIRECTOR_GENERAL_RULES,
            cause=replace(cause, reason=reason.strip()),
        )

    def propose_annulment(self, *, reason: str | None, on: date, cause: Cause) -> None:
        """The university leader proposes annulment of a reservation or pairing made in error."""
        if self.annulled:
            raise self._annulled()
        if self.proposal is not None:
            raise violation(
                "PIN-5.proposal",
                "nim",
                f"a proposal to annul NINA {self.nina} of {self.proposal.proposed_on} is waiting for the Director "
                "General's decision",
            )
        if blank(reason):
            raise violation("PIN-5.reason", "reason", "a proposal to annul a NINA says what was done in error")
        assert reason is not None
        proposal = AnnulmentProposal(reason=reason.strip(), proposed_on=on, cause=replace(cause, reason=reason.strip()))
        self._annulment_proposed(
            university_code=self.university_code,
            prodi_code=self.prodi_code,
            nim=self.nim,
            nina=self.nina,
            proposal=proposal,
            cause=proposal.cause,
        )

    def decide_annulment_proposal(self, *, accept: bool, remark: str | None, on: date, cause: Cause) -> None:
        """The Director General accepts (the NINA is cancelled in error) or rejects (with a remark)."""
        if self.annulled:
            raise self._annulled()
        if self.proposal is None:
            raise violation("PIN-5.proposal", "nim", f"no proposal to annul NINA {self.nina} is open")
        proposal = self.proposal
        if accept:
            # The university's reason is the reason, unless the Director General gives their own.
            why = proposal.reason if blank(remark) else str(remark).strip()
            self._annul(
                kind=AnnulmentKind.CANCELLED_IN_ERROR,
                on=on,
                legal_basis=None,
                proposal=proposal,
                rule_ids=PROPOSAL_RULES,
                cause=replace(cause, reason=why),
            )
            return
        if blank(remark):
            raise violation("PIN-5.remark", "remark", "a rejected proposal needs a remark that says why")
        self._annulment_proposal_rejected(
            university_code=self.university_code,
            prodi_code=self.prodi_code,
            nim=self.nim,
            nina=self.nina,
            proposal=proposal,
            on=on,
            cause=replace(cause, reason=str(remark).strip()),
        )

    def _annul(
        self,
        *,
        kind: AnnulmentKind,
        on: date,
        legal_basis: str | None,
        proposal: AnnulmentProposal | None,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self._nina_annulled(
            university_code=self.university_code,
            prodi_code=self.prodi_code,
            nim=self.nim,
            nina=self.nina,
            kind=kind,
            on=on,
            legal_basis=legal_basis,
            was_paired=self.status is DiplomaStatus.PAIRED,
            proposal=proposal,
            rule_ids=rule_ids,
            cause=cause,
        )

    def check_reservable(self) -> None:
        """PIN-2.once and PIN-5.void: asked before a new number is claimed for the student, and again on it."""
        blocker = reservation_blocker(self.status, self.nina.value, self.nim)
        if blocker is not None:
            raise RuleViolation(blocker)

    def reserve_again(self, *, nina: NINA, ruleset: Ruleset, record: AcademicRecord, cause: Cause) -> None:
        """After a cancellation in error the student may be reserved again, under a new NINA (decided).

        A NINA declared void stays the student's last word: the Director General found the studies or
        their reporting non-compliant, and a new number would hide that (decided).
        """
        self.check_reservable()
        if nina == self.nina:  # the claims and sequences make this impossible; never reuse (PIN-5)
            raise violation("PIN-5.reuse", "nina", f"NINA {nina} was annulled and is never issued again")
        decision = ruleset.reservation(record)  # PIN-2, PIN-8
        if not decision.allowed:
            raise NotEligible(decision)
        self._nina_reserved_again(
            university_code=self.university_code,
            prodi_code=self.prodi_code,
            nim=self.nim,
            nina=nina,
            replaces=self.nina,
            decision=decision,
            cause=cause,
        )

    def _annulled(self) -> RuleViolation:
        return violation(
            "PIN-5.annulled",
            "nim",
            f"NINA {self.nina} of NIM {self.nim} was annulled on {self.annulled_on} ({self.status})",
        )

    @event(AnnulmentProposed)
    def _annulment_proposed(
        self,
        university_code: str,
        prodi_code: str,
        nim: str,
        nina: NINA,
        proposal: AnnulmentProposal,
        cause: Cause,
    ) -> None:
        self.proposal = proposal

    @event(AnnulmentProposalRejected)
    def _annulment_proposal_rejected(
        self,
        university_code: str,
        prodi_code: str,
        nim: str,
        nina: NINA,
        proposal: AnnulmentProposal,
        on: date,
        cause: Cause,
    ) -> None:
        self.proposal = None

    @event(NINAAnnulled)
    def _nina_annulled(
        self,
        university_code: str,
        prodi_code: str,
        nim: str,
        nina: NINA,
        kind: AnnulmentKind,
        on: date,
        legal_basis: str | None,
        was_paired: bool,
        proposal: AnnulmentProposal | None,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.status = DiplomaStatus(kind.value)
        self.annulled_on = on
        self.proposal = None

    @event(NINAReservedAgain)
    def _nina_reserved_again(
        self,
        university_code: str,
        prodi_code: str,
        nim: str,
        nina: NINA,
        replaces: NINA,
        decision: Decision,
        cause: Cause,
    ) -> None:
        self.nina = nina
        self.status = DiplomaStatus.RESERVED
        self.annulled_on = None


@functools.lru_cache(maxsize=1 << 14)  # a reservation derives it twice, and a uuid5 is a SHA-1 (issue 35)
def _diploma_id(university_code: str, nim: str) -> UUID:
    return url_id(f"/universities/{university_code}/diplomas/{nim}")


def not_reserved(nim: str) -> RuleViolation:
    blocker = pairing_blocker(None, "", nim)
    assert blocker is not None
    return RuleViolation(blocker)
