"""Annulment of a NINA (PIN-5): the Director General annuls; a university leader proposes, the Director General decides.

A mixin of ``Diplomas``: the same event store, clock and retry as the numbering commands.
"""

from __future__ import annotations

from application.authorization import ANNULLERS, ANNULMENT_PROPOSERS, require
from application.diploma.receipt import NinaReceipt
from application.service import Service
from domain.audit import Cause
from domain.diploma.diploma import Diploma
from domain.registry.codes import student_key
from domain.text import REMARK_CHARS, optional_text


class Annulments(Service):
    def annul_nina(
        self, *, university_code: str, nim: str, reason: str | None, legal_basis: str | None, cause: Cause
    ) -> NinaReceipt:
        """Pembatalan NINA by the Director General: the diploma is void from the start."""
        university_code, nim = student_key(university_code, nim)
        reason = _remark(reason, "reason", "PIN-5.reason")
        legal_basis = _remark(legal_basis, "legalBasis", "PIN-5.legal_basis")
        require(cause.actor, ANNULLERS, university_code)

        def command() -> NinaReceipt:
            diploma = self._diploma(university_code, nim)
            diploma.annul(reason=reason, legal_basis=legal_basis, on=self.today(), cause=cause)
            return self._receipt(diploma)

        return self.retrying(command)

    def propose_annulment(self, *, university_code: str, nim: str, reason: str | None, cause: Cause) -> NinaReceipt:
        """Usulan pembatalan by the university leader, for a NINA reserved or paired in error."""
        university_code, nim = student_key(university_code, nim)
        reason = _remark(reason, "reason", "PIN-5.reason")
        require(cause.actor, ANNULMENT_PROPOSERS, university_code)

        def command() -> NinaReceipt:
            diploma = self._diploma(university_code, nim)
            diploma.propose_annulment(reason=reason, on=self.today(), cause=cause)
            return self._receipt(diploma)

        return self.retrying(command)

    def decide_annulment_proposal(
        self, *, university_code: str, nim: str, accept: bool, remark: str | None, cause: Cause
    ) -> NinaReceipt:
        """The Director General accepts (cancelled in error) or rejects (a remark is required)."""
        university_code, nim = student_key(university_code, nim)
        remark = _remark(remark, "remark", "PIN-5.remark")
        require(cause.actor, ANNULLERS, university_code)

        def command() -> NinaReceipt:
            diploma = self._diploma(university_code, nim)
            diploma.decide_annulment_proposal(accept=accept, remark=remark, on=self.today(), cause=cause)
            return self._receipt(diploma)

        return self.retrying(command)

    def _diploma(self, university_code: str, nim: str) -> Diploma:
        return self.load(Diploma, Diploma.create_id(university_code, nim), "diploma", f"{university_code}/{nim}")

    def _receipt(self, diploma: Diploma) -> NinaReceipt:
        return NinaReceipt(self.name, self.commit(diploma), nina=diploma.nina.value, status=diploma.status.value)


def _remark(text: str | None, field: str, rule_id: str) -> str | None:
    """Free text of a decision: parsed like every input (no control characters, bounded), blank is absent."""
    return optional_text(text, field=field, max_chars=REMARK_CHARS, multiline=True, rule_id=rule_id)
