from __future__ import annotations

from datetime import date

from domain.diploma.annulment import AnnulmentKind
from projections.sivil.rows import SivilEntry, StatusOn
from projections.store import ReadStore, one


class SivilView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def entry(self, university_code: str, prodi_code: str, nina: str) -> SivilEntry | None:
        """Keyed by all three (PIN-1): a NINA is unique only within its university and programme."""
        row = one(
            self.store.query(
                "SELECT e.university_code, u.name AS university_name, e.prodi_code, p.name AS programme_name,"
                " p.level, e.nina, e.nim, e.full_name, e.graduation_date, e.status, e.status_date"
                " FROM sivil_entries e"
                " JOIN sivil_universities u ON u.university_code = e.university_code"
                " JOIN sivil_programmes p ON p.university_code = e.university_code AND p.prodi_code = e.prodi_code"
                " WHERE e.university_code = :u AND e.prodi_code = :p AND e.nina = :n",
                {"u": university_code, "p": prodi_code, "n": nina},
            )
        )
        return SivilEntry(**row) if row else None

    def status_on(self, university_code: str, prodi_code: str, nina: str, day: date) -> StatusOn | None:
        """The status on a past day, from the status history (issue 4, item 6); None if never paired."""
        history = self.store.query(
            "SELECT status, effective_on FROM sivil_status_history"
            " WHERE university_code = :u AND prodi_code = :p AND nina = :n ORDER BY version",
            {"u": university_code, "p": prodi_code, "n": nina},
        )
        if not history:
            return None
        then = [row for row in history if row["effective_on"] <= day.isoformat()]  # ISO dates order as text
        recorded = then[-1] if then else None
        current = history[-1]
        void_since = next(
            (
                row["effective_on"]
                for row in history
                if row["status"] == AnnulmentKind.VOID.value and row["effective_on"] > day.isoformat()
            ),
            None,
        )
        return StatusOn(
            university_code=university_code,
            prodi_code=prodi_code,
            nina=nina,
            day=day.isoformat(),
            recorded_status=recorded["status"] if recorded else None,
            recorded_since=recorded["effective_on"] if recorded else None,
            current_status=current["status"],
            current_status_date=current["effective_on"],
            void_from_start_since=void_since,
        )
