"""Queries on the assessment context's read models; callers check who may see what (application.authorization)."""

from __future__ import annotations

from domain.assessment.kinds import Stage
from projections.assessment.rows import (
    AppealRow,
    AssessmentRow,
    CertificateRow,
    EvidenceRow,
    HandOverRow,
    ProcessReviewRow,
    StepCount,
    StepRow,
    UnitRow,
)
from projections.personal import ERASED
from projections.store import ReadStore, one

_ASSESSMENT = (
    "SELECT a.*, COALESCE(c.full_name, '') AS candidate_name FROM asm_assessments a"
    " LEFT JOIN asm_candidates c ON c.lsp_code = a.lsp_code AND c.candidate_number = a.candidate_number"
)
# The stages in which a step may be due: steps 9 and 10 follow the issued certificate or letter (ASM-6, issue 30).
_SOP_OPEN = (Stage.IN_SOP.value, Stage.CERTIFIED.value, Stage.NOT_YET_COMPETENT.value)
_IN_SOP = "a.stage IN (:open0, :open1, :open2) AND a.next_step IS NOT NULL"
_OPEN = {f"open{i}": stage for i, stage in enumerate(_SOP_OPEN)}
_REVIEW = (
    "SELECT assessment_id, lsp_code, skema_code, candidate_number, reviewer, planning, evidence, decision, records,"
    " follow_up, reviewed_at, overdue FROM asm_process_reviews"
)
_CERTIFICATE = (
    "SELECT registration_number, blangko_number, assessment_id, lsp_code, skema_code, skema_title, candidate_number,"
    " holder_name, printed_on, issued_on, valid_until, revoked_on, revoke_reason,"
    # ASM-2.name: the LSP's name as its licence has it (the registers read model, in the same database)
    " (SELECT l.lsp_name FROM reg_licences l WHERE l.lsp_code = asm_certificates.lsp_code) AS lsp_name"
    " FROM asm_certificates"
)


class AssessmentView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def assessment(self, assessment_id: str) -> AssessmentRow | None:
        row = one(self.store.query(_ASSESSMENT + " WHERE a.assessment_id = :id", {"id": assessment_id}))
        return AssessmentRow(**row) if row else None

    def pipeline(
        self, lsp_code: str, *, step: int | None, limit: int, offset: int, include_assessing: bool = False
    ) -> list[AssessmentRow]:
        """ASM-6: the LSP's candidates in the SOP, by the due time of their next step: the overdue, due longest
        ago, come first. Candidates still being assessed (no step due) follow when asked for."""
        rows = self.store.query(
            _ASSESSMENT + f" WHERE a.lsp_code = :lsp AND (({_IN_SOP}) OR (:assessing = 1 AND a.stage IN"
            " (:assessing_stage, :appealed))) AND (CAST(:step AS INTEGER) IS NULL OR a.next_step = :step)"
            " ORDER BY a.due_at IS NULL, a.due_at, a.assessment_id LIMIT :limit OFFSET :offset",
            {
                "lsp": lsp_code,
                "step": step,
                "assessing": int(include_assessing),
                "assessing_stage": Stage.ASSESSING.value,
                "appealed": Stage.APPEALED.value,
                "limit": limit,
                "offset": offset,
                **_OPEN,
            },
        )
        return [AssessmentRow(**r) for r in rows]

    def pipeline_counts(self, lsp_code: str, now: str) -> list[StepCount]:
        rows = self.store.query(
            "SELECT a.next_step AS step, COUNT(*) AS candidates,"
            " SUM(CASE WHEN a.due_at < :now THEN 1 ELSE 0 END) AS overdue FROM asm_assessments a"
            f" WHERE a.lsp_code = :lsp AND {_IN_SOP} GROUP BY a.next_step ORDER BY a.next_step",
            {"lsp": lsp_code, "now": now, **_OPEN},
        )
        return [StepCount(step=r["step"], candidates=r["candidates"], overdue=int(r["overdue"] or 0)) for r in rows]

    def reviews_due(self, lsp_code: str, *, limit: int, offset: int) -> list[AssessmentRow]:
        """ASM-9: the LSP's assessments whose process review is owed, by its due time: the overdue first."""
        rows = self.store.query(
            _ASSESSMENT + " WHERE a.lsp_code = :lsp AND a.review_due_at IS NOT NULL"
            " ORDER BY a.review_due_at, a.assessment_id LIMIT :limit OFFSET :offset",
            {"lsp": lsp_code, "limit": limit, "offset": offset},
        )
        return [AssessmentRow(**r) for r in rows]

    def reviews_overdue(self, lsp_code: str, now: str) -> int:
        rows = self.store.query(
            "SELECT COUNT(*) AS n FROM asm_assessments WHERE lsp_code = :lsp AND review_due_at < :now",
            {"lsp": lsp_code, "now": now},
        )
        return int(rows[0]["n"]) if rows else 0

    def process_reviews(self, lsp_code: str, *, limit: int, offset: int) -> list[ProcessReviewRow]:
        """ASM-9: an LSP's reviews of its assessments' process, the latest first."""
        rows = self.store.query(
            _REVIEW
            + " WHERE lsp_code = :lsp ORDER BY reviewed_at DESC, assessment_id, seq LIMIT :limit OFFSET :offset",
            {"lsp": lsp_code, "limit": limit, "offset": offset},
        )
        return [ProcessReviewRow(**r) for r in rows]

    def hand_overs(self, assessment_id: str) -> list[HandOverRow]:
        rows = self.store.query(
            "SELECT receiver, representative_name, relation, received_at, overdue, handed_by FROM asm_hand_overs"
            " WHERE assessment_id = :id ORDER BY seq",
            {"id": assessment_id},
        )
        return [HandOverRow(**r) for r in rows]

    def assignments(self, asesor_number: str, *, active_only: bool, limit: int, offset: int) -> list[AssessmentRow]:
        rows = self.store.query(
            _ASSESSMENT + " JOIN asm_assignments s ON s.assessment_id = a.assessment_id"
            " WHERE s.asesor_number = :asesor AND (:all = 1 OR s.active = 1)"
            " ORDER BY a.assessed_on DESC, a.assessment_id LIMIT :limit OFFSET :offset",
            {"asesor": asesor_number, "all": int(not active_only), "limit": limit, "offset": offset},
        )
        return [AssessmentRow(**r) for r in rows]

    def is_assigned(self, assessment_id: str, asesor_number: str) -> bool:
        rows = self.store.query(
            "SELECT 1 FROM asm_assignments WHERE assessment_id = :id AND asesor_number = :a",
            {"id": assessment_id, "a": asesor_number},
        )
        return bool(rows)

    def of_candidate(self, lsp_code: str, candidate_number: str) -> list[AssessmentRow]:
        rows = self.store.query(
            _ASSESSMENT + " WHERE a.lsp_code = :lsp AND a.candidate_number = :n ORDER BY a.opened_at DESC",
            {"lsp": lsp_code, "n": candidate_number},
        )
        return [AssessmentRow(**r) for r in rows]

    def evidence_holders(self, sha256: str) -> list[tuple[str, str, str]]:
        """Each assessment a stored file is evidence in: (assessment id, LSP, candidate number); an erased
        candidate's evidence is in none (UU PDP)."""
        rows = self.store.query(
            "SELECT DISTINCT a.assessment_id, a.lsp_code, a.candidate_number FROM asm_evidence e"
            " JOIN asm_assessments a ON a.assessment_id = e.assessment_id"
            " JOIN asm_candidates c ON c.lsp_code = a.lsp_code AND c.candidate_number = a.candidate_number"
            " WHERE e.sha256 = :sha AND c.full_name <> :erased",
            {"sha": sha256, "erased": ERASED},
        )
        return [(r["assessment_id"], r["lsp_code"], r["candidate_number"]) for r in rows]

    def steps(self, assessment_id: str) -> list[StepRow]:
        rows = self.store.query(
            "SELECT step, done_at, overdue, reference, done_by FROM asm_steps WHERE assessment_id = :id ORDER BY step",
            {"id": assessment_id},
        )
        return [StepRow(**r) for r in rows]

    def units(self, assessment_id: str) -> list[UnitRow]:
        rows = self.store.query(
            "SELECT unit_code, recommendation, asesor_number FROM asm_units WHERE assessment_id = :id"
            " ORDER BY unit_code",
            {"id": assessment_id},
        )
        return [UnitRow(**r) for r in rows]

    def evidence(self, assessment_id: str) -> list[EvidenceRow]:
        rows = self.store.query(
            "SELECT seq, unit_code, element, sha256, size, media_type, description, valid, authentic, current,"
            " sufficient, asesor_number, recorded_at FROM asm_evidence WHERE assessment_id = :id ORDER BY seq",
            {"id": assessment_id},
        )
        return [EvidenceRow(**r) for r in rows]

    def appeals(self, assessment_id: str) -> list[AppealRow]:
        rows = self.store.query(
            "SELECT number, grounds, appealed_on, upheld, decided_by, remark FROM asm_appeals"
            " WHERE assessment_id = :id ORDER BY number",
            {"id": assessment_id},
        )
        return [AppealRow(**r) for r in rows]

    def certificate(self, registration_number: str) -> CertificateRow | None:
        row = one(self.store.query(_CERTIFICATE + " WHERE registration_number = :r", {"r": registration_number}))
        return CertificateRow(**row) if row else None

    def certificate_of(self, assessment_id: str) -> CertificateRow | None:
        row = one(self.store.query(_CERTIFICATE + " WHERE assessment_id = :id", {"id": assessment_id}))
        return CertificateRow(**row) if row else None

    def on_dpi(self, nik_digest: str | None, finished_on: str | None) -> list[CertificateRow]:
        """ASM-7: what a student's DPI lists: the issued certificates they hold; a printed (finished) DPI keeps
        those issued by the day it was printed, each with the status it has when read."""
        held = self.certificates_of_holder(nik_digest) if nik_digest else []
        if finished_on is None:
            return held
        return [c for c in held if c.issued_on is not None and c.issued_on <= finished_on]

    def certificates_of_holder(self, nik_digest: str) -> list[CertificateRow]:
        """ASM-7: the issued certificates whose holder has this NIK (its keyed digest, projection.nik_digest)."""
        rows = self.store.query(
            _CERTIFICATE + " WHERE nik_digest = :d AND issued_on IS NOT NULL ORDER BY issued_on, registration_number",
            {"d": nik_digest},
        )
        return [CertificateRow(**r) for r in rows]

    def pipeline_count(self, lsp_code: str, *, step: int | None, include_assessing: bool = False) -> int:
        """The rows ``pipeline`` pages through, counted by the same condition."""
        row = one(
            self.store.query(
                f"SELECT COUNT(*) AS n FROM asm_assessments a WHERE a.lsp_code = :lsp AND (({_IN_SOP}) OR"
                " (:assessing = 1 AND a.stage IN (:assessing_stage, :appealed)))"
                " AND (CAST(:step AS INTEGER) IS NULL OR a.next_step = :step)",
                {
                    "lsp": lsp_code,
                    "step": step,
                    "assessing": int(include_assessing),
                    "assessing_stage": Stage.ASSESSING.value,
                    "appealed": Stage.APPEALED.value,
                    **_OPEN,
                },
            )
        )
        return int(row["n"]) if row else 0

    def reviews_due_count(self, lsp_code: str) -> int:
        rows = self.store.query(
            "SELECT COUNT(*) AS n FROM asm_assessments WHERE lsp_code = :lsp AND review_due_at IS NOT NULL",
            {"lsp": lsp_code},
        )
        return int(rows[0]["n"]) if rows else 0

    def process_review_count(self, lsp_code: str) -> int:
        rows = self.store.query(
            "SELECT COUNT(*) AS n FROM asm_process_reviews WHERE lsp_code = :lsp", {"lsp": lsp_code}
        )
        return int(rows[0]["n"]) if rows else 0

    def assignment_count(self, asesor_number: str, *, active_only: bool) -> int:
        row = one(
            self.store.query(
                "SELECT COUNT(*) AS n FROM asm_assignments WHERE asesor_number = :a AND (:all = 1 OR active = 1)",
                {"a": asesor_number, "all": int(not active_only)},
            )
        )
        return int(row["n"]) if row else 0

    def certificates_of_candidate(self, lsp_code: str, candidate_number: str) -> list[CertificateRow]:
        rows = self.store.query(
            _CERTIFICATE + " WHERE lsp_code = :lsp AND candidate_number = :n ORDER BY printed_on, registration_number",
            {"lsp": lsp_code, "n": candidate_number},
        )
        return [CertificateRow(**r) for r in rows]
