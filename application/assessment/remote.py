"""Remote assessment as BNSP approves it (ASM-5): the LSP sets its TUK's requirements per skema and applies with
its SOP and a description of its technology; BNSP approves or refuses, and the outcome goes on the licence in the
same save. A mixin of ``Assessments``: the same event store, clock and retry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.assessment.base import AssessmentBase
from application.assessment.setup import CODE_FORM
from application.authorization import BNSP, LSP_HEAD, LSP_REMOTE_REQUIREMENTS, require
from application.receipt import Receipt
from domain.assessment.licence import Licence, parse_lsp_code
from domain.assessment.remote import APPLICATION_RULE, APPROVAL_RULE, TUK_RULE, RemoteApplication
from domain.assessment.remote_requirements import RemoteRequirements, requirements_in_force
from domain.assessment.standards import SKEMA_CODE, Skema, parse_code, parse_facilities
from domain.audit import Cause
from domain.errors import Collected, violation
from domain.files import StoredFile, named_upload, parse_sha256
from domain.text import NAME_CHARS, REMARK_CHARS, optional_text, parse_text

MAX_APPLICATION_NUMBER = 10_000  # an LSP applies a handful of times; a larger number is a typing error


@dataclass(frozen=True)
class RemoteApplicationInput:
    """As a client gives it: the digests of two files the caller uploaded, and a line naming the technology."""

    sop_file: str
    technology_file: str
    technology: str


def parse_lsp(value: object) -> str:
    """An LSP code as a query names it (ASM-2), parsed as the commands parse it."""
    return parse_lsp_code(value)


class RemoteAssessmentCommands(AssessmentBase):
    def set_remote_requirements(
        self, *, lsp_code: str, skema_code: str, requirements: Sequence[str], cause: Cause
    ) -> Receipt:
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_REMOTE_REQUIREMENTS, lsp)
        code = parse_code(skema_code, SKEMA_CODE, "skemaCode", CODE_FORM, TUK_RULE)
        wanted = parse_facilities(requirements, "requirements", TUK_RULE)

        def command() -> Receipt:
            self.load(Skema, Skema.create_id(code), "skema", code)
            own = self.find(RemoteRequirements, RemoteRequirements.create_id(lsp, code))
            own = own or RemoteRequirements(lsp_code=lsp, skema_code=code, cause=cause)
            own.set(wanted, cause)
            return self.receipt(self.commit(own))

        return self.retrying(command)

    def requirements_for(self, lsp_code: str, skema: Skema) -> frozenset[str]:
        own = self.find(RemoteRequirements, RemoteRequirements.create_id(lsp_code, skema.code))
        return requirements_in_force(own, skema.remote_requirements)

    def apply_for_remote_assessment(
        self, *, lsp_code: str, application: RemoteApplicationInput, cause: Cause
    ) -> Receipt:
        """ASM-5.application: the Ketua LSP applies, naming two files they uploaded (FILE.uploader)."""
        lsp = parse_lsp_code(lsp_code)
        require(cause.actor, LSP_HEAD, lsp)
        collected = Collected()
        sop = collected.attempt(lambda: self._own(application.sop_file, "sopFile", cause))
        technology = collected.attempt(lambda: self._own(application.technology_file, "technologyFile", cause))
        summary = collected.attempt(
            lambda: parse_text(
                application.technology, field="technology", max_chars=NAME_CHARS, rule_id=APPLICATION_RULE
            )
        )
        collected.raise_any()
        assert sop and technology and summary

        def command() -> Receipt:
            if self.find(Licence, Licence.create_id(lsp)) is None:
                raise violation(APPLICATION_RULE, "lspCode", f"LSP {lsp} holds no BNSP licence to apply under")
            applying = self.find(RemoteApplication, RemoteApplication.create_id(lsp))
            applying = applying or RemoteApplication(lsp_code=lsp, cause=cause)
            applying.apply(sop, technology, summary, cause)
            return self.receipt(self.commit(applying))

        return self.retrying(command)

    def _own(self, digest: str, field: str, cause: Cause) -> StoredFile:
        sha256 = parse_sha256(digest, field, APPLICATION_RULE)
        return named_upload(self.own_file(cause.actor, sha256), field)

    def decide_remote_assessment(
        self, *, lsp_code: str, number: int, approved: bool, reason: str | None, cause: Cause
    ) -> Receipt:
        """ASM-5.approval: BNSP approves or refuses the pending application (a refusal with its reason); the licence
        records the outcome in the same save."""
        require(cause.actor, BNSP)
        lsp = parse_lsp_code(lsp_code)
        if not 1 <= number <= MAX_APPLICATION_NUMBER:
            raise violation(APPROVAL_RULE, "number", f"an application number is 1 to {MAX_APPLICATION_NUMBER}")
        why = optional_text(reason, field="reason", max_chars=REMARK_CHARS, rule_id=APPROVAL_RULE, multiline=True)

        def command() -> Receipt:
            applying = self.find(RemoteApplication, RemoteApplication.create_id(lsp))
            if applying is None:
                raise violation(APPROVAL_RULE, "number", f"LSP {lsp} has no pending application numbered {number}")
            if approved:
                applying.approve(number, why, cause)
            else:
                applying.refuse(number, why or "", cause)
            licence = self.load(Licence, Licence.create_id(lsp), "licence", lsp)
            licence.record_remote_decision(approved, number, cause)
            return self.receipt(self.commit(applying, licence))

        return self.retrying(command)
