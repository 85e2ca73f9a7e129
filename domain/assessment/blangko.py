"""Blangko: the blank certificate forms BNSP issues to an LSP on request (ASM-6 step 6), each number used once
(ASM-7).

One aggregate per number: receiving a number twice, or two certificates printed on one number at the same
moment, collide on the same aggregate, so the store itself decides and the loser is told (ASM-7.blangko).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import violation


class Blangko(Aggregate):
    class Received(Aggregate.Created):
        number: str
        lsp_code: str
        batch_reference: str  # BNSP's answer to the LSP's request
        rule_ids: tuple[str, ...]
        cause: Cause

    class Used(Aggregate.Event):
        number: str
        assessment_id: UUID
        rule_ids: tuple[str, ...]
        cause: Cause

    @event(Received)
    def __init__(
        self, number: str, lsp_code: str, batch_reference: str, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.number = number
        self.lsp_code = lsp_code
        self.batch_reference = batch_reference
        self.used_by: UUID | None = None

    @staticmethod
    def create_id(number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/blangko/{number}")

    @classmethod
    def receive(cls, number: str, lsp_code: str, batch_reference: str, cause: Cause) -> Blangko:
        received: Blangko = cls(
            number=number, lsp_code=lsp_code, batch_reference=batch_reference, rule_ids=("ASM-7",), cause=cause
        )
        return received

    def use(self, lsp_code: str, assessment_id: UUID, cause: Cause) -> None:
        """ASM-7: a blangko of this LSP, used once."""
        if self.lsp_code != lsp_code:
            raise violation("ASM-7.blangko", "blangkoNumber", f"blangko {self.number} was not issued to LSP {lsp_code}")
        if self.used_by == assessment_id:
            return
        if self.used_by is not None:
            raise violation("ASM-7.blangko", "blangkoNumber", f"blangko {self.number} is already used")
        self._used(number=self.number, assessment_id=assessment_id, rule_ids=("ASM-7",), cause=cause)

    @event(Used)
    def _used(self, number: str, assessment_id: UUID, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.used_by = assessment_id
