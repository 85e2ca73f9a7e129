"""Blangko and certificates (ASM-6 steps 6 .. 8, ASM-7). A mixin of ``Assessments``.

Blangko numbers and registration numbers are each one aggregate, so a number used twice, even by two requests
at the same instant, is refused by the store itself for all but one (the rerun sees the winner and says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.assessment.base import AssessmentBase
from application.assessment.inputs import parse_numbers, parse_reference
from application.assessment.receipt import AssessmentReceipt, CertificateReceipt
from application.authorization import BNSP, LSP_HEAD, require
from application.receipt import Receipt
from domain.assessment.blangko import Blangko
from domain.assessment.certificate import Certificate
from domain.assessment.licence import parse_lsp_code
from domain.assessment.numbers import MAX_NUMBERS_A_BATCH, parse_number
from domain.assessment.people import Asesi
from domain.assessment.sop import SOP, Step
from domain.assessment.standards import Skema
from domain.audit import Cause
from domain.errors import NotFound, violation
from domain.text import REMARK_CHARS, parse_text


class CertificateCommands(AssessmentBase):
    def issue_blangko(self, *, lsp_code: str, batch_reference: str, numbers: Sequence[str], cause: Cause) -> Receipt:
        """BNSP issues a batch of blangko numbers to an LSP on its request (ASM-6 step 6); each number once,
        nationally (ASM-7). Only BNSP records a batch, so an LSP uses only the numbers issued to it."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, BNSP)
        reference = parse_reference(batch_reference, "batchReference", "ASM-7")
        parsed = parse_numbers(numbers, "numbers", MAX_NUMBERS_A_BATCH)

        def command() -> Receipt:
            known = [n for n in parsed if self.find(Blangko, Blangko.create_id(n)) is not None]
            if known:
                raise violation("ASM-7.blangko", "numbers", f"blangko already issued: {', '.join(known[:5])}")
            return self.receipt(self.commit(*(Blangko.receive(n, lsp, reference, cause) for n in parsed)))

        return self.retrying(command)

    def assign_blangko(
        self, *, lsp_code: str, assessment_id: UUID, blangko_number: str, cause: Cause
    ) -> AssessmentReceipt:
        """Step 6 is done when a blangko issued to the LSP is the candidate's; each number is used once (ASM-7)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, frozenset({SOP[Step.REQUEST_BLANGKO].role}), lsp)
        number = parse_number(blangko_number, "blangkoNumber")

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            assessment.check_step(Step.REQUEST_BLANGKO)
            blangko = self.find(Blangko, Blangko.create_id(number))
            if blangko is None:
                raise violation("ASM-7.blangko", "blangkoNumber", f"blangko {number} has not been issued by BNSP")
            blangko.use(lsp, assessment.id, cause)
            assessment.do_step(Step.REQUEST_BLANGKO, self.now(), self.calendar, cause, reference=number)
            return self._receipt([assessment], self.commit(assessment, blangko))

        return self.retrying(command)

    def print_certificate(
        self, *, lsp_code: str, assessment_id: UUID, registration_number: str, cause: Cause
    ) -> AssessmentReceipt:
        """Step 7: printed on the candidate's blangko with its registration number (both as given, ASM-7)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, frozenset({SOP[Step.PRINT_CERTIFICATE].role}), lsp)
        number = parse_number(registration_number, "registrationNumber")

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            assessment.check_step(Step.PRINT_CERTIFICATE)
            if self.find(Certificate, Certificate.create_id(number)) is not None:
                raise violation(
                    "ASM-7.registration", "registrationNumber", f"registration number {number} is already used"
                )
            asesi = self.load(Asesi, Asesi.create_id(lsp, assessment.candidate_number), "candidate", "")
            skema = self.load(Skema, Skema.create_id(assessment.skema_code), "skema", assessment.skema_code)
            certificate = Certificate(
                registration_number=number,
                blangko_number=assessment.references[Step.REQUEST_BLANGKO],
                assessment_id=assessment.id,
                lsp_code=lsp,
                skema_code=skema.code,
                skema_title=skema.title,
                candidate_number=assessment.candidate_number,
                holder=asesi.personal,  # sealed with the candidate's key: erasing them erases it here too
                rule_ids=("ASM-7",),
                cause=cause,
            )
            assessment.do_step(Step.PRINT_CERTIFICATE, self.now(), self.calendar, cause, reference=number)
            return self._receipt([assessment], self.commit(assessment, certificate))

        return self.retrying(command)

    def sign_certificate(self, *, lsp_code: str, assessment_id: UUID, cause: Cause) -> AssessmentReceipt:
        """Step 8, by the Ketua LSP: the certificate is issued today, valid three years (ASM-7)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_HEAD, lsp)

        def command() -> AssessmentReceipt:
            assessment = self._assessment(lsp, assessment_id)
            assessment.check_step(Step.SIGN_CERTIFICATE)
            certificate = self._certificate(lsp, assessment.references[Step.PRINT_CERTIFICATE])
            certificate.sign(self.today(), cause)
            reference = certificate.registration_number
            assessment.do_step(Step.SIGN_CERTIFICATE, self.now(), self.calendar, cause, reference=reference)
            return self._receipt([assessment], self.commit(assessment, certificate))

        return self.retrying(command)

    def revoke_certificate(
        self, *, lsp_code: str, registration_number: str, reason: str, cause: Cause
    ) -> CertificateReceipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_HEAD, lsp)
        number = parse_number(registration_number, "registrationNumber")
        why = parse_text(reason, field="reason", max_chars=REMARK_CHARS, rule_id="ASM-7", multiline=True)

        def command() -> CertificateReceipt:
            certificate = self._certificate(lsp, number)
            certificate.revoke(self.today(), why, cause)
            status = certificate.status_on(self.today()).value
            return CertificateReceipt(self.name, self.commit(certificate), registration_number=number, status=status)

        return self.retrying(command)

    def _certificate(self, lsp_code: str, registration_number: str) -> Certificate:
        certificate = self.find(Certificate, Certificate.create_id(registration_number))
        if certificate is None or certificate.lsp_code != lsp_code:
            raise NotFound("certificate", registration_number)
        return certificate
