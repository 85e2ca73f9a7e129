"""What an LSP's TUK must provide to assess a skema remotely (persyaratan teknis TUK jarak jauh, ASM-5.tuk): set by
the LSP itself, per skema (seed 001, SE.011/BNSP/IV/2020 point D.2.b)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.assessment.remote import TUK_RULE
from domain.audit import Cause


class RemoteRequirements(Aggregate):
    """Persyaratan teknis TUK jarak jauh: what one LSP's TUK must provide to assess one skema remotely."""

    class Started(Aggregate.Created):
        lsp_code: str
        skema_code: str
        cause: Cause

    class Set(Aggregate.Event):
        lsp_code: str
        skema_code: str
        requirements: tuple[str, ...]
        rule_ids: tuple[str, ...]
        cause: Cause

    @event(Started)
    def __init__(self, lsp_code: str, skema_code: str, cause: Cause) -> None:
        self.lsp_code = lsp_code
        self.skema_code = skema_code
        self.requirements: frozenset[str] = frozenset()
        self.is_set = False

    @staticmethod
    def create_id(lsp_code: str, skema_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/lsp/{lsp_code}/remote-requirements/{skema_code}")

    def set(self, requirements: frozenset[str], cause: Cause) -> None:
        """None set: this LSP does not assess the skema remotely (ASM-5.tuk refuses it)."""
        if requirements != self.requirements or not self.is_set:
            self._set(
                lsp_code=self.lsp_code,
                skema_code=self.skema_code,
                requirements=tuple(sorted(requirements)),
                rule_ids=(TUK_RULE,),
                cause=cause,
            )

    @event(Set)
    def _set(
        self, lsp_code: str, skema_code: str, requirements: tuple[str, ...], rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.requirements = frozenset(requirements)
        self.is_set = True


def requirements_in_force(own: RemoteRequirements | None, national: frozenset[str]) -> frozenset[str]:
    """The LSP's own requirements for the skema; where it has set none, those BNSP set on the skema before the LSP
    set them itself (``Skema.RemoteRequirementsSet``, kept so that older logs keep their meaning)."""
    return own.requirements if own is not None and own.is_set else national
