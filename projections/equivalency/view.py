"""Queries on the equivalency context's read models; callers check who may see what (application.authorization).

Working days elapsed (EQV-1) and unclaimed (EQV-6) are computed when asked, from the dates the rows keep, with
the same working calendar as every context: both are functions of today, so no job has to keep them current.
"""

from __future__ import annotations

from datetime import date

from domain.calendar import WorkingCalendar
from domain.equivalency.clock import Pause, working_days_elapsed
from projections.equivalency.rows import (
    ApplicationRow,
    ChecklistRow,
    DecisionRow,
    DocumentRow,
    EscalationRow,
    ReviewRow,
)
from projections.personal import ERASED
from projections.store import ReadStore, one

_DOCUMENT = "item_code, sha256, size, media_type, url, uploaded_on"


class EquivalencyView:
    def __init__(self, store: ReadStore, calendar: WorkingCalendar) -> None:
        self.store = store
        self.calendar = calendar

    def application(self, registration_number: str) -> ApplicationRow | None:
        row = one(
            self.store.query(
                "SELECT * FROM eqv_applications WHERE registration_number = :n", {"n": registration_number}
            )
        )
        return self._with_pauses(ApplicationRow(**row)) if row else None

    def of_account(self, account_id: str) -> list[ApplicationRow]:
        rows = self.store.query(
            "SELECT * FROM eqv_applications WHERE account_id = :a ORDER BY registration_number", {"a": account_id}
        )
        return [self._with_pauses(ApplicationRow(**r)) for r in rows]

    def work_queue(self, status: str, *, limit: int, offset: int) -> list[ApplicationRow]:
        """EQV-1: the team's queue: complete files in review, the longest complete first; those waiting for the
        applicant (paused) and incomplete ones are asked for apart."""
        rows = self.store.query(
            "SELECT * FROM eqv_applications WHERE status = :s ORDER BY complete_on, registered_on, registration_number"
            " LIMIT :limit OFFSET :offset",
            {"s": status, "limit": limit, "offset": offset},
        )
        return [self._with_pauses(ApplicationRow(**r)) for r in rows]

    def working_days(self, row: ApplicationRow, today: date) -> int:
        complete_on = date.fromisoformat(row.complete_on) if row.complete_on else None
        pauses = tuple(Pause(date.fromisoformat(s), date.fromisoformat(e) if e else None) for s, e in row.pauses)
        end = date.fromisoformat(row.decided_on) if row.decided_on else today  # a decided clock stops
        return working_days_elapsed(complete_on, pauses, min(end, today), self.calendar)

    def document_holders(self, sha256: str) -> list[str]:
        """The accounts whose applications hold a stored file: as a document, a decision's basis, or a PK's; an
        erased applicant's documents (a passport scan is the very data erased) are held by no one (UU PDP)."""
        rows = self.store.query(
            "SELECT DISTINCT a.account_id FROM eqv_applications a WHERE a.applicant_name <> :erased"
            " AND a.registration_number IN"
            " (SELECT registration_number FROM eqv_documents WHERE sha256 = :sha UNION"
            " SELECT registration_number FROM eqv_basis_documents WHERE sha256 = :sha UNION"
            " SELECT registration_number FROM eqv_reviews WHERE documents LIKE :like)",
            {"sha": sha256, "like": f"%{sha256}%", "erased": ERASED},
        )
        return [r["account_id"] for r in rows]

    def sk_status(self, registration_number: str, sk_number: str) -> str:
        """EQV-4, EQV-8: CURRENT while the application's SK is this one; SUPERSEDED once a review replaced it;
        NOT_FOUND for any other pair (it never tells which half was wrong)."""
        row = self.application(registration_number)
        if row is None:
            return "NOT_FOUND"
        if row.sk_number is not None and row.sk_number.upper() == sk_number.upper():
            return "CURRENT"
        issued = self.store.query(
            "SELECT 1 FROM eqv_decisions WHERE registration_number = :n AND UPPER(sk_number) = :sk",
            {"n": registration_number, "sk": sk_number.upper()},
        )
        return "SUPERSEDED" if issued else "NOT_FOUND"

    def checklist(self, registration_number: str) -> list[ChecklistRow]:
        rows = self.store.query(
            "SELECT item_code, rule_id, indonesian, english, link_allowed, asked, uploaded FROM eqv_checklist"
            " WHERE registration_number = :n ORDER BY position, item_code",
            {"n": registration_number},
        )
        return [ChecklistRow(**r) for r in rows]

    def documents(self, registration_number: str) -> list[DocumentRow]:
        rows = self.store.query(
            f"SELECT {_DOCUMENT} FROM eqv_documents WHERE registration_number = :n ORDER BY item_code",
            {"n": registration_number},
        )
        return [DocumentRow(**r) for r in rows]

    def escalations(self, registration_number: str) -> list[EscalationRow]:
        rows = self.store.query(
            "SELECT number, kind, request, outcome, answered_by, items, asked_on, asked_by, answered_on"
            " FROM eqv_escalations WHERE registration_number = :n ORDER BY number",
            {"n": registration_number},
        )
        return [EscalationRow(**r) for r in rows]

    def reviews(self, registration_number: str) -> list[ReviewRow]:
        rows = self.store.query(
            "SELECT number, letter_reference, reasons, documents, requested_on, upheld, deciders, remark, decided_on"
            " FROM eqv_reviews WHERE registration_number = :n ORDER BY number",
            {"n": registration_number},
        )
        return [ReviewRow(**r) for r in rows]

    def replacements(self, registration_number: str) -> list[tuple[str, str, str, str]]:
        rows = self.store.query(
            "SELECT letter_number, refers_to, reason, issued_on FROM eqv_replacements WHERE registration_number = :n"
            " ORDER BY issued_on, letter_number",
            {"n": registration_number},
        )
        return [(r["letter_number"], r["refers_to"], r["reason"], r["issued_on"]) for r in rows]

    def decision_of_sk(self, sk_key: str) -> tuple[str, int] | None:
        """EQV-8: the application and the decision that issued an SK (its number compared without case)."""
        row = one(
            self.store.query(
                "SELECT registration_number, decision FROM eqv_decisions WHERE UPPER(sk_number) = :s", {"s": sk_key}
            )
        )
        return (str(row["registration_number"]), int(row["decision"])) if row else None

    def decision(self, registration_number: str, decision: int) -> DecisionRow | None:
        """EQV-8: a decision and its basis as projected at the decision's event."""
        key = {"n": registration_number, "d": decision}
        row = one(
            self.store.query(
                "SELECT decision, outcome, sk_number, equal_level, rule_version, rule_read, reasons, deciders,"
                " decided_on, recorded_by, rule_ids, version FROM eqv_decisions"
                " WHERE registration_number = :n AND decision = :d",
                key,
            )
        )
        if row is None:
            return None
        documents = self.store.query(
            f"SELECT {_DOCUMENT} FROM eqv_basis_documents WHERE registration_number = :n AND decision = :d"
            " ORDER BY item_code",
            key,
        )
        escalations = self.store.query(
            "SELECT number, kind, request, outcome, answered_by FROM eqv_basis_escalations"
            " WHERE registration_number = :n AND decision = :d ORDER BY number",
            key,
        )
        return DecisionRow(
            **row,
            documents=[DocumentRow(**d) for d in documents],
            escalations=[EscalationRow(**e) for e in escalations],
        )

    def _with_pauses(self, row: ApplicationRow) -> ApplicationRow:
        pauses = self.store.query(
            "SELECT started, ended FROM eqv_pauses WHERE registration_number = :n ORDER BY started",
            {"n": row.registration_number},
        )
        row.pauses.extend((p["started"], p["ended"]) for p in pauses)
        return row

    def work_queue_count(self, status: str) -> int:
        row = one(self.store.query("SELECT COUNT(*) AS n FROM eqv_applications WHERE status = :s", {"s": status}))
        return int(row["n"]) if row else 0

    def open_reviews(self, *, limit: int, offset: int) -> list[tuple[str, str, ReviewRow]]:
        """EQV-8: formal reviews (PK) requested and not yet decided, the oldest first: legal staff's queue. Each
        with its application's registration number and id."""
        rows = self.store.query(
            "SELECT r.registration_number, a.application_id, r.number, r.letter_reference, r.reasons, r.documents,"
            " r.requested_on, r.upheld, r.deciders, r.remark, r.decided_on FROM eqv_reviews r"
            " JOIN eqv_applications a ON a.registration_number = r.registration_number WHERE r.decided_on IS NULL"
            " ORDER BY r.requested_on, r.registration_number, r.number LIMIT :limit OFFSET :offset",
            {"limit": limit, "offset": offset},
        )
        return [(r.pop("registration_number"), r.pop("application_id"), ReviewRow(**r)) for r in rows]

    def open_review_count(self) -> int:
        row = one(self.store.query("SELECT COUNT(*) AS n FROM eqv_reviews WHERE decided_on IS NULL"))
        return int(row["n"]) if row else 0
