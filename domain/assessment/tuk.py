"""A TUK (tempat uji kompetensi): where an LSP assesses, with the facilities it has been verified to provide.

For remote assessment (ASM-5) the LSP sets each skema's technical requirements (``remote_requirements``) and
must ensure the TUK meets them (seed 001, SE.011/BNSP/IV/2020 point D.2.b).
"""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.assessment.kinds import TukKind
from domain.assessment.remote import TUK_RULE
from domain.audit import Cause
from domain.errors import violation

TUK_CODE = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,39}", re.ASCII)


class Tuk(Aggregate):
    class Registered(Aggregate.Created):
        lsp_code: str
        tuk_code: str
        name: str
        kind: TukKind
        facilities: tuple[str, ...]
        cause: Cause

    class FacilitiesVerified(Aggregate.Event):
        tuk_code: str
        facilities: tuple[str, ...]
        cause: Cause

    @event(Registered)
    def __init__(
        self, lsp_code: str, tuk_code: str, name: str, kind: TukKind, facilities: tuple[str, ...], cause: Cause
    ) -> None:
        self.lsp_code = lsp_code
        self.tuk_code = tuk_code
        self.name = name
        self.kind = kind
        self.facilities = frozenset(facilities)

    @staticmethod
    def create_id(lsp_code: str, tuk_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/lsp/{lsp_code}/tuk/{tuk_code}")

    def verify_facilities(self, facilities: frozenset[str], cause: Cause) -> None:
        if facilities != self.facilities:
            self._facilities_verified(tuk_code=self.tuk_code, facilities=tuple(sorted(facilities)), cause=cause)

    @event(FacilitiesVerified)
    def _facilities_verified(self, tuk_code: str, facilities: tuple[str, ...], cause: Cause) -> None:
        self.facilities = frozenset(facilities)

    def check_serves(self, lsp_code: str) -> None:
        if lsp_code != self.lsp_code:
            raise violation("ASM-2", "tukCode", f"TUK {self.tuk_code} is not a site of LSP {lsp_code}")

    def check_remote_requirements(self, skema_code: str, requirements: frozenset[str]) -> None:
        """ASM-5.tuk: the TUK provides every technical requirement in force for the skema's remote assessment (the
        LSP's own, ``remote_requirements.requirements_in_force``)."""
        if not requirements:
            raise violation(
                TUK_RULE, "tukCode", f"no technical requirements are set for assessing skema {skema_code} remotely"
            )
        missing = sorted(requirements - self.facilities)
        if missing:
            raise violation(
                TUK_RULE,
                "tukCode",
                f"TUK {self.tuk_code} lacks what skema {skema_code} requires remotely: {', '.join(missing)}",
            )
