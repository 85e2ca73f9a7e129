"""The submission context's read models: the catalog, proposals, submissions with their review dates, and DPIs."""

from __future__ import annotations

from typing import Any

from domain.files import StoredFile
from domain.submission.catalog import Catalog
from domain.submission.dpi import Dpi
from domain.submission.entry import EntryDetails
from domain.submission.proposal import CatalogProposal
from domain.submission.status import ProposalStatus, SubmissionStatus
from domain.submission.submission import Claim, Review, Submission
from projections.projection import Projection, handles
from projections.store import Transaction

_DETAILS = (
    "issuer TEXT NOT NULL, issuer_kind TEXT NOT NULL, origin TEXT NOT NULL, category TEXT NOT NULL, name TEXT NOT NULL"
)


def _details(d: EntryDetails) -> dict[str, str]:
    return {
        "issuer": d.issuer,
        "kind": d.issuer_kind.value,
        "origin": d.origin.value,
        "category": d.category,
        "name": d.name,
    }


class SubmissionProjection(Projection):
    name = "submissions"
    applications = ("submissions",)
    tables = ("sub_catalog", "sub_proposals", "sub_submissions", "sub_dpi", "sub_dpi_lines")
    ddl = (
        "CREATE TABLE IF NOT EXISTS sub_catalog (university_code TEXT NOT NULL, entry_id TEXT NOT NULL,"
        f" revision INTEGER NOT NULL, {_DETAILS}, withdrawn INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (university_code, entry_id))",
        "CREATE TABLE IF NOT EXISTS sub_proposals (proposal_id TEXT PRIMARY KEY, university_code TEXT NOT NULL,"
        f" nim TEXT NOT NULL, {_DETAILS}, status TEXT NOT NULL, proposed_on TEXT NOT NULL, remark TEXT,"
        " entry_id TEXT, decided_by TEXT)",
        "CREATE TABLE IF NOT EXISTS sub_submissions (submission_id TEXT PRIMARY KEY, university_code TEXT NOT NULL,"
        " nim TEXT NOT NULL, entry_id TEXT NOT NULL, revision INTEGER NOT NULL,"
        f" {_DETAILS}, outcome TEXT NOT NULL, grading TEXT NOT NULL, result TEXT NOT NULL,"
        " issued_on TEXT NOT NULL, valid_thru TEXT, evidence_sha256 TEXT, evidence_size BIGINT, evidence_type TEXT,"
        " evidence_url TEXT, status TEXT NOT NULL, submitted_on TEXT NOT NULL, due_on TEXT NOT NULL,"
        " deadline TEXT, calendar TEXT NOT NULL, decided_on TEXT, decided_by TEXT, remark TEXT,"
        " overdue INTEGER NOT NULL DEFAULT 0, uploads INTEGER NOT NULL DEFAULT 1)",
        "CREATE INDEX IF NOT EXISTS sub_submissions_queue ON sub_submissions (university_code, status, due_on)",
        "CREATE INDEX IF NOT EXISTS sub_submissions_student ON sub_submissions (university_code, nim)",
        "CREATE INDEX IF NOT EXISTS sub_submissions_evidence ON sub_submissions (evidence_sha256)",
        "CREATE TABLE IF NOT EXISTS sub_dpi (university_code TEXT NOT NULL, nim TEXT NOT NULL, deadline TEXT,"
        " finished_on TEXT, graduation_decree TEXT, PRIMARY KEY (university_code, nim))",
        "CREATE TABLE IF NOT EXISTS sub_dpi_lines (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        f" submission_id TEXT NOT NULL, entry_id TEXT NOT NULL, revision INTEGER NOT NULL, {_DETAILS},"
        " result TEXT NOT NULL, issued_on TEXT NOT NULL, valid_thru TEXT, approved_on TEXT NOT NULL,"
        " PRIMARY KEY (university_code, nim, submission_id))",
    )

    # Catalog (SUB-1) ---------------------------------------------------------------------------

    @handles
    def on_entry_added(self, e: Catalog.EntryAdded, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sub_catalog (university_code, entry_id, revision, issuer, issuer_kind, origin, category, name)"
            " VALUES (:u, :id, 1, :issuer, :kind, :origin, :category, :name)",
            {"u": e.university_code, "id": str(e.entry_id), **_details(e.details)},
        )

    @handles
    def on_entry_revised(self, e: Catalog.EntryRevised, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sub_catalog SET revision = :rev, issuer = :issuer, issuer_kind = :kind, origin = :origin,"
            " category = :category, name = :name WHERE university_code = :u AND entry_id = :id",
            {"u": e.university_code, "id": str(e.entry_id), "rev": e.revision, **_details(e.details)},
        )

    @handles
    def on_entry_withdrawn(self, e: Catalog.EntryWithdrawn, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sub_catalog SET withdrawn = 1 WHERE university_code = :u AND entry_id = :id",
            {"u": e.university_code, "id": str(e.entry_id)},
        )

    # Proposals (SUB-2) -------------------------------------------------------------------------

    @handles
    def on_proposed(self, e: CatalogProposal.Proposed, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sub_proposals (proposal_id, university_code, nim, issuer, issuer_kind, origin, category,"
            " name, status, proposed_on) VALUES (:id, :u, :nim, :issuer, :kind, :origin, :category, :name, :s, :on)",
            {
                "id": str(e.originator_id),
                "u": e.university_code,
                "nim": e.nim,
                "s": ProposalStatus.PROPOSED.value,
                "on": e.proposed_on.isoformat(),
                **_details(e.details),
            },
        )

    @handles
    def on_proposal_accepted(self, e: CatalogProposal.Accepted, tx: Transaction) -> None:
        self._decided(tx, e, ProposalStatus.ACCEPTED, entry_id=str(e.entry_id))

    @handles
    def on_proposal_rejected(self, e: CatalogProposal.Rejected, tx: Transaction) -> None:
        self._decided(tx, e, ProposalStatus.REJECTED, entry_id=None)

    def _decided(self, tx: Transaction, e: Any, status: ProposalStatus, entry_id: str | None) -> None:
        tx.execute(
            "UPDATE sub_proposals SET status = :s, remark = :remark, entry_id = :entry, decided_by = :by"
            " WHERE proposal_id = :id",
            {
                "id": str(e.originator_id),
                "s": status.value,
                "remark": e.cause.reason,
                "entry": entry_id,
                "by": e.cause.actor.id,
            },
        )

    # Submissions (SUB-3 .. SUB-9) ----------------------------------------------------------------

    @handles
    def on_submitted(self, e: Submission.Submitted, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sub_submissions (submission_id, university_code, nim, entry_id, revision, issuer, issuer_kind,"
            " origin, category, name, outcome, grading, result, issued_on, valid_thru, evidence_sha256, evidence_size,"
            " evidence_type, evidence_url, status, submitted_on, due_on, deadline, calendar)"
            " VALUES (:id, :u, :nim, :entry, :rev, :issuer, :kind, :origin, :category, :name, :outcome, :grading,"
            " :result, :issued, :thru, :sha, :size, :type, :url, :s, :on, :due, :deadline, :calendar)",
            {"id": str(e.originator_id), "u": e.university_code, "nim": e.nim, **_claim(e.claim, e.review)},
        )

    @handles
    def on_reuploaded(self, e: Submission.Reuploaded, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sub_submissions SET revision = :rev, issuer = :issuer, issuer_kind = :kind, origin = :origin,"
            " category = :category, name = :name, outcome = :outcome, grading = :grading, result = :result,"
            " issued_on = :issued, valid_thru = :thru, evidence_sha256 = :sha, evidence_size = :size,"
            " evidence_type = :type, evidence_url = :url, status = :s, submitted_on = :on, due_on = :due,"
            " deadline = :deadline, calendar = :calendar, uploads = uploads + 1"
            " WHERE submission_id = :id",
            {"id": str(e.originator_id), **_claim(e.claim, e.review)},
        )

    @handles
    def on_approved(self, e: Submission.Approved, tx: Transaction) -> None:
        self._reviewed(tx, e, SubmissionStatus.APPROVED)

    @handles
    def on_rejected(self, e: Submission.Rejected, tx: Transaction) -> None:
        self._reviewed(tx, e, SubmissionStatus.REJECTED)

    def _reviewed(
        self, tx: Transaction, e: Submission.Approved | Submission.Rejected, status: SubmissionStatus
    ) -> None:
        tx.execute(
            "UPDATE sub_submissions SET status = :s, decided_on = :on, decided_by = :by, remark = :remark,"
            " overdue = :overdue WHERE submission_id = :id",
            {
                "id": str(e.originator_id),
                "s": status.value,
                "on": e.on.isoformat(),
                "by": e.cause.actor.id,
                "remark": e.cause.reason,
                "overdue": int(e.overdue),
            },
        )

    # The DPI (SUB-7, SUB-8) ----------------------------------------------------------------------

    @handles
    def on_dpi_opened(self, e: Dpi.Opened, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sub_dpi (university_code, nim) VALUES (:u, :nim)", {"u": e.university_code, "nim": e.nim}
        )

    @handles
    def on_deadline_set(self, e: Dpi.ThesisDeadlineSet, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sub_dpi SET deadline = :d WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "d": e.deadline.isoformat()},
        )

    @handles
    def on_listed(self, e: Dpi.CertificationListed, tx: Transaction) -> None:
        listing = e.listing
        tx.execute(
            "INSERT INTO sub_dpi_lines (university_code, nim, submission_id, entry_id, revision, issuer, issuer_kind,"
            " origin, category, name, result, issued_on, valid_thru, approved_on) VALUES (:u, :nim, :id, :entry,"
            " :rev, :issuer, :kind, :origin, :category, :name, :result, :issued, :thru, :approved)",
            {
                "u": e.university_code,
                "nim": e.nim,
                "id": str(listing.submission_id),
                "entry": str(listing.catalog.entry_id),
                "rev": listing.catalog.revision,
                "result": str(listing.result),
                "issued": listing.issued_on.isoformat(),
                "thru": listing.valid_thru.isoformat() if listing.valid_thru else None,
                "approved": listing.approved_on.isoformat(),
                **_details(listing.catalog.details),
            },
        )

    @handles
    def on_finished(self, e: Dpi.Finished, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sub_dpi SET finished_on = :on, graduation_decree = :decree"
            " WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "on": e.on.isoformat(), "decree": e.graduation_decree},
        )


def _claim(claim: Claim, review: Review) -> dict[str, Any]:
    evidence = claim.evidence
    stored = evidence if isinstance(evidence, StoredFile) else None
    return {
        "entry": str(claim.catalog.entry_id),
        "rev": claim.catalog.revision,
        "outcome": claim.outcome.value,
        "grading": claim.result.grading.value,
        "result": str(claim.result),
        "issued": claim.validity.issued_on.isoformat(),
        "thru": claim.validity.valid_thru.isoformat() if claim.validity.valid_thru else None,
        "sha": stored.sha256 if stored else None,
        "size": stored.size if stored else None,
        "type": stored.media_type if stored else None,
        "url": None if stored else getattr(evidence, "url", None),
        "s": SubmissionStatus.WAITING_FOR_APPROVAL.value,
        "on": review.submitted_on.isoformat(),
        "due": review.due_on.isoformat(),
        "deadline": review.deadline.isoformat() if review.deadline else None,
        "calendar": review.calendar,
        **_details(claim.catalog.details),
    }
