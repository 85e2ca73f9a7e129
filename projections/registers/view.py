"""Queries on the registers; callers check who may see which (BNSP all of them, an LSP its own)."""

from __future__ import annotations

from typing import TypeVar

from projections.registers.rows import (
    AsesorRow,
    AsesorSkemaRow,
    BlangkoRow,
    CommitteeMemberRow,
    LicenceRow,
    SkemaRow,
    TukRow,
)
from projections.store import ReadStore, one

R = TypeVar("R")


class RegistersView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def _page(self, row: type[R], sql: str, params: dict[str, object], limit: int, offset: int) -> list[R]:
        rows = self.store.query(f"{sql} LIMIT :limit OFFSET :offset", {**params, "limit": limit, "offset": offset})
        return [row(**r) for r in rows]

    def _count(self, table: str, where: str = "", params: dict[str, object] | None = None) -> int:
        found = one(self.store.query(f"SELECT COUNT(*) AS n FROM {table} {where}", params or {}))
        return int(found["n"]) if found else 0

    # BNSP: national registers ----------------------------------------------------------------------------------

    def licences(self, *, limit: int, offset: int) -> list[LicenceRow]:
        return self._page(LicenceRow, "SELECT * FROM reg_licences ORDER BY lsp_code", {}, limit, offset)

    def licence_count(self) -> int:
        return self._count("reg_licences")

    def licence(self, lsp_code: str) -> LicenceRow | None:
        row = one(self.store.query("SELECT * FROM reg_licences WHERE lsp_code = :lsp", {"lsp": lsp_code}))
        return LicenceRow(**row) if row else None

    def skema(self, *, limit: int, offset: int) -> list[SkemaRow]:
        return self._page(SkemaRow, "SELECT * FROM reg_skema ORDER BY code", {}, limit, offset)

    def skema_count(self) -> int:
        return self._count("reg_skema")

    def asesors(self, *, limit: int, offset: int) -> list[AsesorRow]:
        return self._page(AsesorRow, "SELECT * FROM reg_asesors ORDER BY asesor_number", {}, limit, offset)

    def asesor_count(self) -> int:
        return self._count("reg_asesors")

    def asesor(self, asesor_number: str) -> AsesorRow | None:
        row = one(self.store.query("SELECT * FROM reg_asesors WHERE asesor_number = :n", {"n": asesor_number}))
        return AsesorRow(**row) if row else None

    def asesor_skema(self, asesor_number: str) -> list[AsesorSkemaRow]:
        rows = self.store.query(
            "SELECT * FROM reg_asesor_skema WHERE asesor_number = :n ORDER BY skema_code", {"n": asesor_number}
        )
        return [AsesorSkemaRow(**r) for r in rows]

    def blangko(self, *, lsp_code: str | None, limit: int, offset: int) -> list[BlangkoRow]:
        """Every blangko BNSP issued, or one LSP's (``lsp_code``)."""
        return self._page(
            BlangkoRow,
            "SELECT * FROM reg_blangko WHERE (CAST(:lsp AS TEXT) IS NULL OR lsp_code = :lsp) ORDER BY number",
            {"lsp": lsp_code},
            limit,
            offset,
        )

    def blangko_count(self, *, lsp_code: str | None) -> int:
        return self._count("reg_blangko", "WHERE (CAST(:lsp AS TEXT) IS NULL OR lsp_code = :lsp)", {"lsp": lsp_code})

    # An LSP's own ----------------------------------------------------------------------------------------------

    def tuk(self, lsp_code: str) -> list[TukRow]:
        rows = self.store.query("SELECT * FROM reg_tuk WHERE lsp_code = :lsp ORDER BY tuk_code", {"lsp": lsp_code})
        return [TukRow(**r) for r in rows]

    def committee(self, lsp_code: str) -> list[CommitteeMemberRow]:
        rows = self.store.query(
            "SELECT * FROM reg_committee WHERE lsp_code = :lsp ORDER BY member_id", {"lsp": lsp_code}
        )
        return [CommitteeMemberRow(**r) for r in rows]
