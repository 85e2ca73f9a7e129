"""The read side of the SOP's last step and of the review of the assessment process (ASM-6 step 10, ASM-9): the
receipts (Tanda Terima Sertifikat Kompetensi) and the reviews, and when each assessment's review is due.

A part of ``AssessmentProjection`` (its base): the same tables' transaction and tracking, its rows beside theirs.
"""

from __future__ import annotations

from typing import ClassVar

from domain.assessment.assessment import Assessment
from domain.assessment.sop import Step
from domain.personal import Unsealer
from projections.assessment.instants import utc_text
from projections.personal import full_name
from projections.projection import Projection, handles
from projections.store import Transaction


class ClosingProjection(Projection):
    unsealer: Unsealer

    closing_tables: ClassVar[tuple[str, ...]] = ("asm_hand_overs", "asm_process_reviews")
    closing_ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS asm_hand_overs (assessment_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " lsp_code TEXT NOT NULL, candidate_number TEXT NOT NULL, receiver TEXT NOT NULL,"
        " representative_name TEXT, relation TEXT, received_at TEXT NOT NULL, overdue INTEGER NOT NULL,"
        " handed_by TEXT NOT NULL, PRIMARY KEY (assessment_id, seq))",
        "CREATE INDEX IF NOT EXISTS asm_hand_overs_candidate ON asm_hand_overs (lsp_code, candidate_number)",
        "CREATE TABLE IF NOT EXISTS asm_process_reviews (assessment_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " lsp_code TEXT NOT NULL, skema_code TEXT NOT NULL, candidate_number TEXT NOT NULL, reviewer TEXT NOT NULL,"
        " planning TEXT NOT NULL, evidence TEXT NOT NULL, decision TEXT NOT NULL, records TEXT NOT NULL,"
        " follow_up TEXT, reviewed_at TEXT NOT NULL, overdue INTEGER NOT NULL, PRIMARY KEY (assessment_id, seq))",
        "CREATE INDEX IF NOT EXISTS asm_process_reviews_lsp ON asm_process_reviews (lsp_code, reviewed_at)",
    )
    # ASM-9 (issue 30): when the assessment's review is due, NULL once reviewed (or owed by no decision)
    closing_columns: ClassVar[tuple[tuple[str, str, str], ...]] = (("asm_assessments", "review_due_at", "TEXT"),)

    @handles
    def on_handed_over(self, e: Assessment.HandedOver, tx: Transaction) -> None:
        key = {"id": str(e.originator_id), "at": utc_text(e.timestamp)}
        tx.execute(
            "INSERT INTO asm_steps (assessment_id, step, done_at, overdue, reference, done_by)"
            " VALUES (:id, :step, :done, :overdue, :receiver, :by)",
            {
                **key,
                "step": int(Step.HAND_OVER),
                "done": utc_text(e.at),
                "overdue": int(e.overdue),
                "receiver": e.receipt.receiver.value,
                "by": e.cause.actor.id,
            },
        )
        sealed = e.receipt.representative
        tx.execute(
            "INSERT INTO asm_hand_overs (assessment_id, seq, lsp_code, candidate_number, receiver,"
            " representative_name, relation, received_at, overdue, handed_by)"
            " SELECT :id, :seq, lsp_code, candidate_number, :receiver, :name, :relation, :done, :overdue, :by"
            " FROM asm_assessments WHERE assessment_id = :id",
            {
                **key,
                "seq": e.originator_version,
                "receiver": e.receipt.receiver.value,
                "name": full_name(self.unsealer, sealed) if sealed is not None else None,
                "relation": e.receipt.relation,
                "done": utc_text(e.at),
                "overdue": int(e.overdue),
                "by": e.cause.actor.id,
            },
        )
        tx.execute(
            "UPDATE asm_assessments SET next_step = NULL, due_at = NULL, updated_at = :at WHERE assessment_id = :id",
            key,
        )

    @handles
    def on_process_reviewed(self, e: Assessment.ProcessReviewed, tx: Transaction) -> None:
        key = {"id": str(e.originator_id), "at": utc_text(e.timestamp)}
        f = e.findings
        tx.execute(
            "INSERT INTO asm_process_reviews (assessment_id, seq, lsp_code, skema_code, candidate_number, reviewer,"
            " planning, evidence, decision, records, follow_up, reviewed_at, overdue)"
            " SELECT :id, :seq, lsp_code, skema_code, candidate_number, :reviewer, :planning, :evidence, :decision,"
            " :records, :follow_up, :reviewed, :overdue FROM asm_assessments WHERE assessment_id = :id",
            {
                **key,
                "seq": e.originator_version,
                "reviewer": e.reviewer,
                "planning": f.planning,
                "evidence": f.evidence,
                "decision": f.decision,
                "records": f.records,
                "follow_up": f.follow_up,
                "reviewed": utc_text(e.at),
                "overdue": int(e.overdue),
            },
        )
        tx.execute("UPDATE asm_assessments SET review_due_at = NULL, updated_at = :at WHERE assessment_id = :id", key)
