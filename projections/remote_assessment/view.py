"""Queries on the remote-assessment read model; callers check who may see what (application.authorization)."""

from __future__ import annotations

from projections.remote_assessment.rows import RemoteApplicationRow, RemoteRequirementsRow
from projections.store import ReadStore

_APPLICATION = (
    "SELECT lsp_code, number, status, sop_sha256, technology_sha256, technology, applied_at, applied_by, decided_at,"
    " decided_by, reason FROM asm_remote_applications"
)


class RemoteAssessmentView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def applications(
        self, lsp_code: str | None, *, status: str | None, limit: int, offset: int
    ) -> list[RemoteApplicationRow]:
        """One LSP's applications, newest first, or (``lsp_code`` None: BNSP's queue) every LSP's, oldest first."""
        order = "number DESC" if lsp_code is not None else "applied_at, lsp_code"
        rows = self.store.query(
            _APPLICATION + " WHERE (CAST(:lsp AS TEXT) IS NULL OR lsp_code = :lsp)"
            " AND (CAST(:status AS TEXT) IS NULL OR status = :status)"
            f" ORDER BY {order} LIMIT :limit OFFSET :offset",
            {"lsp": lsp_code, "status": status, "limit": limit, "offset": offset},
        )
        return [RemoteApplicationRow(**r) for r in rows]

    def application_count(self, lsp_code: str | None, *, status: str | None) -> int:
        rows = self.store.query(
            "SELECT COUNT(*) AS n FROM asm_remote_applications WHERE (CAST(:lsp AS TEXT) IS NULL OR lsp_code = :lsp)"
            " AND (CAST(:status AS TEXT) IS NULL OR status = :status)",
            {"lsp": lsp_code, "status": status},
        )
        return int(rows[0]["n"]) if rows else 0

    def requirements(self, lsp_code: str) -> list[RemoteRequirementsRow]:
        rows = self.store.query(
            "SELECT lsp_code, skema_code, requirements FROM asm_remote_requirements WHERE lsp_code = :lsp"
            " ORDER BY skema_code",
            {"lsp": lsp_code},
        )
        return [RemoteRequirementsRow(**r) for r in rows]

    def file_holders(self, sha256: str) -> list[str]:
        """The LSPs whose application names the file: it stays stored (FILE.unnamed)."""
        rows = self.store.query(
            "SELECT DISTINCT lsp_code FROM asm_remote_applications WHERE sop_sha256 = :sha OR technology_sha256 = :sha",
            {"sha": sha256},
        )
        return [r["lsp_code"] for r in rows]
