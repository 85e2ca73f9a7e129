"""The SOP's last step and the review that follows the decision (ASM-6 step 10, ASM-9). A mixin of ``Assessments``.

Step 9 (archiving the signed certificate) is an ordinary step of ``complete_step``; step 10 records a receipt, and
the review records findings, each with its own command here.
"""

from __future__ import annotations

from uuid import UUID

from application.assessment.base import AssessmentBase
from application.assessment.receipt import AssessmentReceipt
from application.authorization import PROCESS_REVIEWERS, require
from domain.assessment.handover import HandOverReceipt, Receiver, parse_receiver
from domain.assessment.licence import parse_lsp_code
from domain.assessment.people import Asesi, Committee
from domain.assessment.review import REVIEWER, Findings
from domain.assessment.sop import SOP, Step
from domain.audit import Cause
from domain.errors import violation
from domain.personal import PersonalData


class ClosingCommands(AssessmentBase):
    def hand_over(
        self,
        *,
        lsp_code: str,
        assessment_id: UUID,
        receiver: Receiver,
        representative_name: str | None = None,
        representative_relation: str | None = None,
        cause: Cause,
    ) -> AssessmentReceipt:
        """Step 10 (ASM-6): the certificate (K) or the BK letter handed over against the holder's receipt."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, frozenset({SOP[Step.HAND_OVER].role}), lsp)
        representative = parse_receiver(receiver, representative_name, representative_relation)

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            assessment.check_step(Step.HAND_OVER)  # the order first: nothing is sealed for a refused step
            receipt = HandOverReceipt(receiver)
            if representative is not None:
                holder = Asesi.create_id(lsp, assessment.candidate_number)  # erasing the holder erases the name
                sealed = self.sealer.seal(holder, PersonalData(full_name=representative.name))
                receipt = HandOverReceipt(receiver, sealed, representative.relation)
            assessment.hand_over(receipt, self.now(), cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)

    def review_process(
        self,
        *,
        lsp_code: str,
        assessment_id: UUID,
        planning: str,
        evidence: str,
        decision: str,
        records: str,
        follow_up: str | None = None,
        cause: Cause,
    ) -> AssessmentReceipt:
        """ASM-9: the calling member of the technical committee is the reviewer; they assessed the candidate under
        none of the asesor numbers they ever held (ASM-6.identity)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, PROCESS_REVIEWERS, lsp)
        findings = Findings.parse(
            planning=planning, evidence=evidence, decision=decision, records=records, follow_up=follow_up
        )

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            committee = self.find(Committee, Committee.create_id(lsp))
            if committee is None or cause.actor.id not in committee.members:  # as the plenary's members are
                raise violation(REVIEWER, "reviewerId", f"not a member of the technical committee of LSP {lsp}")
            numbers = committee.numbers_of(cause.actor.id)
            assessment.review_process(cause.actor.id, numbers, findings, self.now(), cause)
            return self._receipt([assessment], self.commit(assessment))

        return self.retrying(command)
