"""An LSP's applications for remote assessment and BNSP's decisions, and the requirements it set per skema (ASM-5)."""

from __future__ import annotations

from domain.assessment.kinds import ApplicationStatus
from domain.assessment.remote import RemoteApplication
from domain.assessment.remote_requirements import RemoteRequirements
from projections.assessment.projection import utc_text
from projections.projection import Projection, handles
from projections.store import Transaction


class RemoteAssessmentProjection(Projection):
    name = "remote_assessment"
    applications = ("assessments",)
    tables = ("asm_remote_applications", "asm_remote_requirements")
    ddl = (
        "CREATE TABLE IF NOT EXISTS asm_remote_applications (lsp_code TEXT NOT NULL, number INTEGER NOT NULL,"
        " status TEXT NOT NULL, sop_sha256 TEXT NOT NULL, technology_sha256 TEXT NOT NULL, technology TEXT NOT NULL,"
        " applied_at TEXT NOT NULL, applied_by TEXT NOT NULL, decided_at TEXT, decided_by TEXT, reason TEXT,"
        " PRIMARY KEY (lsp_code, number))",
        "CREATE INDEX IF NOT EXISTS asm_remote_applications_status ON asm_remote_applications (status, applied_at)",
        "CREATE TABLE IF NOT EXISTS asm_remote_requirements (lsp_code TEXT NOT NULL, skema_code TEXT NOT NULL,"
        " requirements TEXT NOT NULL, PRIMARY KEY (lsp_code, skema_code))",
    )

    @handles
    def on_applied(self, e: RemoteApplication.Applied, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_remote_applications (lsp_code, number, status, sop_sha256, technology_sha256, technology,"
            " applied_at, applied_by) VALUES (:lsp, :n, :status, :sop, :tech_file, :tech, :at, :by)",
            {
                "lsp": e.lsp_code,
                "n": e.number,
                "status": ApplicationStatus.PENDING.value,
                "sop": e.sop.sha256,
                "tech_file": e.technology.sha256,
                "tech": e.description,
                "at": utc_text(e.timestamp),
                "by": e.cause.actor.id,
            },
        )

    @handles
    def on_approved(self, e: RemoteApplication.Approved, tx: Transaction) -> None:
        self._decided(e.lsp_code, e.number, ApplicationStatus.APPROVED, e.reason, e, tx)

    @handles
    def on_refused(self, e: RemoteApplication.Refused, tx: Transaction) -> None:
        self._decided(e.lsp_code, e.number, ApplicationStatus.REFUSED, e.reason, e, tx)

    def _decided(
        self,
        lsp: str,
        number: int,
        status: ApplicationStatus,
        reason: str | None,
        e: RemoteApplication.Approved | RemoteApplication.Refused,
        tx: Transaction,
    ) -> None:
        tx.execute(
            "UPDATE asm_remote_applications SET status = :status, decided_at = :at, decided_by = :by, reason = :why"
            " WHERE lsp_code = :lsp AND number = :n",
            {
                "lsp": lsp,
                "n": number,
                "status": status.value,
                "at": utc_text(e.timestamp),
                "by": e.cause.actor.id,
                "why": reason,
            },
        )

    @handles
    def on_requirements(self, e: RemoteRequirements.Set, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO asm_remote_requirements (lsp_code, skema_code, requirements) VALUES (:lsp, :skema, :r)"
            " ON CONFLICT (lsp_code, skema_code) DO UPDATE SET requirements = excluded.requirements",
            {"lsp": e.lsp_code, "skema": e.skema_code, "r": " ".join(e.requirements)},
        )
