"""Whose personal data report a caller may have (UU PDP; issue 12, item 6): the person themself, with their own
token, or the controller of their data answering their request. A student: the student, or their university's
operator (and the ministry). A competency candidate: the candidate, or their LSP's staff. An equivalency
applicant: the applicant's account, or the directorate's team. The subject is named once, in its real alphabet."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit.personal_data import PersonalDataReport, PersonalDataReports
from application.authorization import EQUIVALENCY_TEAM, LSP_STAFF, require, require_personal_data_reader
from domain.assessment.licence import parse_lsp_code
from domain.assessment.numbers import parse_candidate_number
from domain.audit import Actor, Role
from domain.errors import NotAuthorized, violation
from domain.registry.codes import student_key
from domain.text import parse_text

PDP_RULE = "API.pdp"  # not a domain rule: how the subject of a report is named


@dataclass(frozen=True)
class Subject:
    university_code: str | None = None
    nim: str | None = None
    lsp_code: str | None = None
    candidate_number: str | None = None
    applicant_account: str | None = None


def report_for(reports: PersonalDataReports, actor: Actor, subject: Subject) -> PersonalDataReport | None:
    """The report the caller is entitled to; None when there is no such person (after the entitlement check, so
    a refusal never tells whether someone exists)."""
    student = (subject.university_code, subject.nim)
    candidate = (subject.lsp_code, subject.candidate_number)
    named = [kind for kind, given in (("student", student), ("candidate", candidate)) if any(given)]
    named += ["applicant"] if subject.applicant_account else []
    if len(named) != 1:
        raise violation(
            PDP_RULE,
            "subject",
            "name one person: universityCode and nim, lspCode and candidateNumber, or applicantAccount",
        )
    if named == ["student"]:
        university, nim = student_key(subject.university_code or "", subject.nim or "")
        require_personal_data_reader(actor, university, nim)
        return reports.of_student(university, nim)
    if named == ["candidate"]:
        lsp = parse_lsp_code(subject.lsp_code or "")
        number = parse_candidate_number(subject.candidate_number or "", "candidateNumber", PDP_RULE)
        if actor.role is Role.ASESI:
            if actor.institution != lsp or actor.id != number:
                raise NotAuthorized("a candidate asks for their own report")
        else:
            require(actor, LSP_STAFF, lsp)
        return reports.of_candidate(lsp, number)
    account = parse_text(subject.applicant_account, field="applicantAccount", max_chars=128, rule_id=PDP_RULE)
    if actor.role is Role.APPLICANT:
        if actor.id != account:
            raise NotAuthorized("an applicant asks for their own report")
    else:
        require(actor, EQUIVALENCY_TEAM)
    return reports.of_applicant(account)
