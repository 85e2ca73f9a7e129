"""Queries on the submission context's read models; callers check who may see what (application.authorization)."""

from __future__ import annotations

from datetime import date

from projections.store import ReadStore, one
from projections.submission.rows import CatalogRow, DpiLine, DpiRow, ProposalRow, SubmissionRow

_SUBMISSION = "SELECT * FROM sub_submissions"
_DPI_LINE_COLUMNS = (
    "submission_id, entry_id, revision, issuer, issuer_kind, origin, category, name, result, issued_on,"
    " valid_thru, approved_on"
)


class SubmissionView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def catalog(self, university_code: str, *, include_withdrawn: bool = False) -> list[CatalogRow]:
        rows = self.store.query(
            "SELECT * FROM sub_catalog WHERE university_code = :u AND (:all = 1 OR withdrawn = 0)"
            " ORDER BY category, name, entry_id",
            {"u": university_code, "all": int(include_withdrawn)},
        )
        return [CatalogRow(**r) for r in rows]

    def proposals(
        self, university_code: str, *, status: str | None, limit: int, offset: int, nim: str | None = None
    ) -> list[ProposalRow]:
        """A university's proposals, or one student's (``nim``)."""
        rows = self.store.query(
            "SELECT * FROM sub_proposals WHERE university_code = :u AND (CAST(:s AS TEXT) IS NULL OR status = :s)"
            " AND (CAST(:nim AS TEXT) IS NULL OR nim = :nim)"
            " ORDER BY proposed_on, proposal_id LIMIT :limit OFFSET :offset",
            {"u": university_code, "s": status, "nim": nim, "limit": limit, "offset": offset},
        )
        return [ProposalRow(**r) for r in rows]

    def submission(self, submission_id: str) -> SubmissionRow | None:
        row = one(self.store.query(_SUBMISSION + " WHERE submission_id = :id", {"id": submission_id}))
        return SubmissionRow(**row) if row else None

    def of_student(self, university_code: str, nim: str) -> list[SubmissionRow]:
        rows = self.store.query(
            _SUBMISSION + " WHERE university_code = :u AND nim = :nim ORDER BY submitted_on DESC, submission_id",
            {"u": university_code, "nim": nim},
        )
        return [SubmissionRow(**r) for r in rows]

    def review_queue(self, university_code: str, *, limit: int, offset: int) -> list[SubmissionRow]:
        """SUB-9: waiting submissions by due date, so the overdue (due before today) come first."""
        rows = self.store.query(
            _SUBMISSION + " WHERE university_code = :u AND status = 'WAITING_FOR_APPROVAL'"
            " ORDER BY due_on, submitted_on, submission_id LIMIT :limit OFFSET :offset",
            {"u": university_code, "limit": limit, "offset": offset},
        )
        return [SubmissionRow(**r) for r in rows]

    def overdue_count(self, university_code: str, today: date) -> int:
        row = one(
            self.store.query(
                "SELECT COUNT(*) AS n FROM sub_submissions WHERE university_code = :u"
                " AND status = 'WAITING_FOR_APPROVAL' AND due_on < :today",
                {"u": university_code, "today": today.isoformat()},
            )
        )
        return int(row["n"]) if row else 0

    def dpi(self, university_code: str, nim: str) -> DpiRow | None:
        row = one(
            self.store.query(
                "SELECT * FROM sub_dpi WHERE university_code = :u AND nim = :nim", {"u": university_code, "nim": nim}
            )
        )
        if row is None:
            return None
        lines = self.store.query(
            f"SELECT {_DPI_LINE_COLUMNS} FROM sub_dpi_lines WHERE university_code = :u AND nim = :nim"
            " ORDER BY category, name, submission_id",
            {"u": university_code, "nim": nim},
        )
        return DpiRow(**row, lines=tuple(DpiLine(**line) for line in lines))

    def evidence_holders(self, sha256: str) -> list[tuple[str, str]]:
        """(university, NIM) of every submission whose evidence is this file: who may download it."""
        rows = self.store.query(
            "SELECT DISTINCT university_code, nim FROM sub_submissions WHERE evidence_sha256 = :sha", {"sha": sha256}
        )
        return [(r["university_code"], r["nim"]) for r in rows]

    def review_queue_count(self, university_code: str) -> int:
        row = one(
            self.store.query(
                "SELECT COUNT(*) AS n FROM sub_submissions WHERE university_code = :u"
                " AND status = 'WAITING_FOR_APPROVAL'",
                {"u": university_code},
            )
        )
        return int(row["n"]) if row else 0

    def proposal_count(self, university_code: str, *, status: str | None, nim: str | None = None) -> int:
        row = one(
            self.store.query(
                "SELECT COUNT(*) AS n FROM sub_proposals WHERE university_code = :u"
                " AND (CAST(:s AS TEXT) IS NULL OR status = :s) AND (CAST(:nim AS TEXT) IS NULL OR nim = :nim)",
                {"u": university_code, "s": status, "nim": nim},
            )
        )
        return int(row["n"]) if row else 0
