from __future__ import annotations

from projections.numbering.rows import RegisteredDiploma
from projections.personal import ERASED
from projections.store import ReadStore, one

_SELECT = (
    "SELECT d.university_code, d.nim, s.full_name, d.prodi_code, d.nina, d.status, d.reserved_at, d.reserved_by,"
    " d.reservation_ruleset, d.paired_at, d.paired_by, d.pairing_ruleset, d.graduation_date, d.yudisium_number,"
    " d.annulled_on, d.annulled_by, d.annulment_reason, d.annulment_legal_basis, d.proposal_status, d.proposed_on,"
    " d.proposed_by, d.proposal_reason, d.proposal_remark, d.replaces_nina"
    " FROM numbering_diplomas d JOIN numbering_students s ON s.university_code = d.university_code AND s.nim = d.nim"
)


class NumberingView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def erased(self, university_code: str, nim: str) -> bool:
        """Whether the student's personal data was erased (UU PDP): their files are then served to no one."""
        rows = self.store.query(
            "SELECT full_name FROM numbering_students WHERE university_code = :u AND nim = :nim",
            {"u": university_code, "nim": nim},
        )
        return bool(rows) and rows[0]["full_name"] == ERASED

    def diploma(self, university_code: str, nim: str) -> RegisteredDiploma | None:
        """The student's latest NINA (a NINA cancelled in error is followed by a new one)."""
        # A student's NINAs share the prodi prefix; year and sequence only grow, so the latest sorts last.
        row = one(
            self.store.query(
                _SELECT + " WHERE d.university_code = :u AND d.nim = :nim ORDER BY d.nina DESC LIMIT 1",
                {"u": university_code, "nim": nim},
            )
        )
        return RegisteredDiploma(**row) if row else None

    def ninas(self, university_code: str, nim: str) -> list[RegisteredDiploma]:
        """Every NINA the student was given, oldest first, annulled ones included."""
        rows = self.store.query(
            _SELECT + " WHERE d.university_code = :u AND d.nim = :nim ORDER BY d.nina",
            {"u": university_code, "nim": nim},
        )
        return [RegisteredDiploma(**r) for r in rows]

    def register(
        self,
        university_code: str,
        *,
        prodi_code: str | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RegisteredDiploma]:
        rows = self.store.query(
            _SELECT + " WHERE d.university_code = :u AND (CAST(:p AS TEXT) IS NULL OR d.prodi_code = :p)"
            " AND (CAST(:s AS TEXT) IS NULL OR d.status = :s) ORDER BY d.nina LIMIT :limit OFFSET :offset",
            {"u": university_code, "p": prodi_code, "s": status, "limit": limit, "offset": offset},
        )
        return [RegisteredDiploma(**r) for r in rows]

    def register_count(self, university_code: str, *, prodi_code: str | None = None, status: str | None = None) -> int:
        row = one(
            self.store.query(
                "SELECT COUNT(*) AS n FROM numbering_diplomas d WHERE d.university_code = :u"
                " AND (CAST(:p AS TEXT) IS NULL OR d.prodi_code = :p) AND (CAST(:s AS TEXT) IS NULL OR d.status = :s)",
                {"u": university_code, "p": prodi_code, "s": status},
            )
        )
        return int(row["n"]) if row else 0

    def proposals(self, proposal_status: str, *, limit: int, offset: int) -> list[RegisteredDiploma]:
        """PIN-5: annulment proposals in one status, every university's, the oldest first (the Dirjen's queue)."""
        rows = self.store.query(
            _SELECT + " WHERE d.proposal_status = :s ORDER BY d.proposed_on, d.university_code, d.nina"
            " LIMIT :limit OFFSET :offset",
            {"s": proposal_status, "limit": limit, "offset": offset},
        )
        return [RegisteredDiploma(**r) for r in rows]

    def proposal_count(self, proposal_status: str) -> int:
        row = one(
            self.store.query(
                "SELECT COUNT(*) AS n FROM numbering_diplomas WHERE proposal_status = :s", {"s": proposal_status}
            )
        )
        return int(row["n"]) if row else 0
