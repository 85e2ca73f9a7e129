from __future__ import annotations

from projections.sivil.rows import SivilEntry
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
