"""A university's register of NINAs: one row per NINA ever reserved, with its pairing and annulment."""

from __future__ import annotations

from typing import Any

from domain.diploma.diploma import Diploma
from domain.diploma.status import DiplomaStatus, ProposalStatus
from domain.personal import Unsealer
from domain.registry.student import Student
from projections.personal import ERASED, full_name
from projections.projection import Projection, handles
from projections.store import Transaction


class NumberingProjection(Projection):
    name = "numbering"
    applications = ("diplomas",)
    tables = ("numbering_students", "numbering_diplomas")
    ddl = (
        "CREATE TABLE IF NOT EXISTS numbering_students (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " full_name TEXT NOT NULL, PRIMARY KEY (university_code, nim))",
        # Keyed by NINA, not NIM: after a cancellation in error a student holds a second NINA, and the
        # annulled one stays in the register (PIN-5).
        "CREATE TABLE IF NOT EXISTS numbering_diplomas (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " prodi_code TEXT NOT NULL, nina TEXT NOT NULL, status TEXT NOT NULL, reserved_at TEXT NOT NULL,"
        " reserved_by TEXT NOT NULL, reservation_ruleset TEXT NOT NULL, paired_at TEXT, paired_by TEXT,"
        " pairing_ruleset TEXT, graduation_date TEXT, yudisium_number TEXT,"
        " annulled_on TEXT, annulled_by TEXT, annulment_reason TEXT, annulment_legal_basis TEXT,"
        " proposal_status TEXT, proposed_on TEXT, proposed_by TEXT, proposal_reason TEXT, proposal_remark TEXT,"
        " replaces_nina TEXT, PRIMARY KEY (university_code, nina))",
    )

    def __init__(self, unsealer: Unsealer) -> None:
        self.unsealer = unsealer

    @handles
    def on_Student_Registered(self, e: Student.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO numbering_students (university_code, nim, full_name) VALUES (:u, :nim, :name)",
            {"u": e.university_code, "nim": e.nim, "name": full_name(self.unsealer, e.personal)},
        )

    @handles
    def on_Student_PersonalDataErased(self, e: Student.PersonalDataErased, tx: Transaction) -> None:
        tx.execute(
            "UPDATE numbering_students SET full_name = :erased WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "erased": ERASED},
        )

    @handles
    def on_Diploma_NINAReserved(self, e: Diploma.NINAReserved, tx: Transaction) -> None:
        self._reserved(e, tx, replaces=None)

    @handles
    def on_Diploma_NINAReservedAgain(self, e: Diploma.NINAReservedAgain, tx: Transaction) -> None:
        self._reserved(e, tx, replaces=e.replaces.value)

    def _reserved(
        self, e: Diploma.NINAReserved | Diploma.NINAReservedAgain, tx: Transaction, replaces: str | None
    ) -> None:
        tx.execute(
            "INSERT INTO numbering_diplomas (university_code, nim, prodi_code, nina, status, reserved_at,"
            " reserved_by, reservation_ruleset, replaces_nina)"
            " VALUES (:u, :nim, :p, :nina, :s, :at, :by, :rs, :replaces)",
            {
                "u": e.university_code,
                "nim": e.nim,
                "p": e.prodi_code,
                "nina": e.nina.value,
                "at": e.timestamp.isoformat(),
                "by": e.cause.actor.id,
                "rs": e.decision.ruleset_id,
                "replaces": replaces,
                "s": DiplomaStatus.RESERVED.value,
            },
        )

    @handles
    def on_Diploma_NINAPaired(self, e: Diploma.NINAPaired, tx: Transaction) -> None:
        self._update(
            tx,
            e,
            "status = :s, paired_at = :at, paired_by = :by, pairing_ruleset = :rs, graduation_date = :grad,"
            " yudisium_number = :yn",
            at=e.timestamp.isoformat(),
            by=e.cause.actor.id,
            rs=e.decision.ruleset_id,
            grad=e.graduation.decree_date.isoformat(),
            yn=e.graduation.decree_number,
            s=DiplomaStatus.PAIRED.value,
        )

    @handles
    def on_Diploma_AnnulmentProposed(self, e: Diploma.AnnulmentProposed, tx: Transaction) -> None:
        self._update(
            tx,
            e,
            "proposal_status = :open, proposed_on = :on, proposed_by = :by, proposal_reason = :why,"
            " proposal_remark = NULL",
            on=e.proposal.proposed_on.isoformat(),
            by=e.proposal.cause.actor.id,
            why=e.proposal.reason,
            open=ProposalStatus.OPEN.value,
        )

    @handles
    def on_Diploma_AnnulmentProposalRejected(self, e: Diploma.AnnulmentProposalRejected, tx: Transaction) -> None:
        self._update(
            tx,
            e,
            "proposal_status = :s, proposal_remark = :remark",
            s=ProposalStatus.REJECTED.value,
            remark=e.cause.reason,
        )

    @handles
    def on_Diploma_NINAAnnulled(self, e: Diploma.NINAAnnulled, tx: Transaction) -> None:
        # Staff of the university see why; SIVIL's public tables do not. An open proposal is superseded
        # when the Director General annuls on their own motion.
        proposal = ProposalStatus.ACCEPTED.value if e.proposal is not None else None
        self._update(
            tx,
            e,
            "status = :s, annulled_on = :on, annulled_by = :by, annulment_reason = :why,"
            " annulment_legal_basis = :basis, proposal_status = CASE WHEN CAST(:proposal AS TEXT) IS NOT NULL"
            " THEN CAST(:proposal AS TEXT) WHEN proposal_status = :open THEN :superseded ELSE proposal_status END",
            s=e.kind.value,
            on=e.on.isoformat(),
            by=e.cause.actor.id,
            why=e.cause.reason,
            basis=e.legal_basis,
            proposal=proposal,
            open=ProposalStatus.OPEN.value,
            superseded=ProposalStatus.SUPERSEDED.value,
        )

    def _update(self, tx: Transaction, e: Any, assignments: str, **values: Any) -> None:
        tx.execute(
            f"UPDATE numbering_diplomas SET {assignments} WHERE university_code = :u AND nina = :nina",
            {"u": e.university_code, "nina": e.nina.value, **values},
        )
