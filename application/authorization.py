"""Who may run which command: a university's people act only for their own university."""

from __future__ import annotations

from domain.audit import Actor, Role
from domain.errors import NotAuthorized
from domain.text import shown

REGISTRY_KEEPERS = frozenset({Role.MINISTRY_ADMIN, Role.PDDIKTI_SYNC})  # the national feed only: see require_national
RECORD_REPORTERS = frozenset({Role.UNIVERSITY_OPERATOR, Role.PDDIKTI_SYNC})
NUMBERING_OPERATORS = frozenset({Role.UNIVERSITY_OPERATOR})
ANNULLERS = frozenset({Role.DIRECTOR_GENERAL})  # PIN-5: annuls, and decides proposals
ANNULMENT_PROPOSERS = frozenset({Role.UNIVERSITY_LEADER})  # PIN-5: for their own university only
STAFF_READERS = frozenset(
    {Role.UNIVERSITY_OPERATOR, Role.UNIVERSITY_LEADER, Role.MINISTRY_ADMIN, Role.DIRECTOR_GENERAL}
)
ERASERS = frozenset({Role.UNIVERSITY_OPERATOR, Role.MINISTRY_ADMIN})  # the controller of the student's data
NATIONAL_ROLES = frozenset({Role.MINISTRY_ADMIN, Role.DIRECTOR_GENERAL})
SSC = frozenset({Role.SSC_STAFF})  # the catalog, proposals' decisions and reviews (SUB-1, SUB-2, SUB-8)
THESIS_DEADLINE_SETTERS = frozenset({Role.SSC_STAFF, Role.UNIVERSITY_OPERATOR})  # SUB-7
DPI_PRINTERS = frozenset({Role.UNIVERSITY_OPERATOR})  # graduation staff finish the DPI (SUB-8)
DPI_READERS = frozenset({Role.SSC_STAFF, Role.UNIVERSITY_OPERATOR})  # besides the student themself
AUDIT_READERS = frozenset({Role.AUDITOR, Role.LEGAL_STAFF})  # every context's history, personal data sealed (issue 12)


# Roles whose people act for one institution (issue 27, defect 7): a university's (its code) or an LSP's (its code).
# A bearer token of one of them must name it (api/auth.py refuses it at sign-in, and ``kredensial token`` will not
# mint it): without one, a check that compares institutions would have nothing to compare. The asesor is not bound:
# registered nationally by BNSP, they act where they are assigned (ASM-3), whichever LSP that is.
UNIVERSITY_BOUND = frozenset(
    {Role.UNIVERSITY_OPERATOR, Role.UNIVERSITY_LEADER, Role.SSC_STAFF, Role.PDDIKTI_SYNC, Role.STUDENT}
)
LSP_BOUND = frozenset({Role.KABAG_SERTIFIKASI, Role.KABAG_ADMINISTRASI, Role.KOMITE_TEKNIS, Role.KETUA_LSP, Role.ASESI})
INSTITUTION_BOUND = UNIVERSITY_BOUND | LSP_BOUND


def lacks_institution(role: Role, institution: str | None) -> bool:
    """A bound role without its institution: no token may carry it."""
    return role in INSTITUTION_BOUND and not (institution and institution.strip())


def require(actor: Actor, roles: frozenset[Role], university_code: str | None = None) -> None:
    if actor.role not in roles:
        raise NotAuthorized(f"role {actor.role} may not do this (allowed: {', '.join(sorted(roles))})")
    if university_code is None or actor.role in NATIONAL_ROLES:
        return
    # The one institution-less sync feed is the server's own bulk import (``kredensial import-pddikti``, run where
    # the data is): it reports for every university. No token can carry it (see INSTITUTION_BOUND).
    if actor.role is Role.PDDIKTI_SYNC and actor.institution is None:
        return
    if actor.institution != university_code:
        raise NotAuthorized(
            f"{actor.role} of university {actor.institution} may not act for university {shown(university_code)}"
        )


def require_national(actor: Actor, roles: frozenset[Role]) -> None:
    """The registry (universities, prodi, accreditation) is kept nationally: a university's own feed must not
    declare its programmes accredited (that would decide PIN-3.accreditation for itself)."""
    require(actor, roles)
    if actor.role is Role.PDDIKTI_SYNC and actor.institution is not None:
        raise NotAuthorized(f"the PDDIKTI feed of university {actor.institution} may not change the national registry")


def require_student(actor: Actor, university_code: str, nim: str) -> None:
    """A student acts for themself only: the token's subject is their NIM at their university."""
    if actor.role is not Role.STUDENT:
        raise NotAuthorized(f"role {actor.role} may not do this (allowed: {Role.STUDENT})")
    if actor.institution != university_code or actor.id != nim:
        raise NotAuthorized("a student acts only for themself")


def may_read_student(actor: Actor, staff: frozenset[Role], university_code: str, nim: str) -> bool:
    """The student themself, or the staff roles given, of the student's own university."""
    if actor.role is Role.STUDENT:
        return actor.institution == university_code and actor.id == nim
    return actor.role in staff and actor.institution == university_code


# Competency certification (ASM): an LSP's people act only for their LSP (the actor's institution).
BNSP = frozenset({Role.BNSP_OFFICER})  # licences, skema, asesor registrations (ASM-1 .. ASM-3)
LSP_CERTIFICATION = frozenset({Role.KABAG_SERTIFIKASI})  # TUK, schedule, assignments, blangko (ASM-3, ASM-6)
LSP_STAFF = frozenset({Role.KABAG_SERTIFIKASI, Role.KABAG_ADMINISTRASI})  # registers candidates
LSP_HEAD = frozenset({Role.KETUA_LSP})  # appoints the committee, signs and revokes certificates, applies to BNSP
# ASM-5.tuk: the LSP sets its TUK's requirements for remote assessment: its head, or the Kabag Sertifikasi who
# registers its TUK (decided)
LSP_REMOTE_REQUIREMENTS = frozenset({Role.KETUA_LSP, Role.KABAG_SERTIFIKASI})
ASESORS = frozenset({Role.ASESOR})
APPEAL_DECIDERS = frozenset({Role.KOMITE_TEKNIS, Role.KETUA_LSP})  # ASM-8, when they took no part
LSP_DECIDERS = APPEAL_DECIDERS  # declare the asesor numbers they hold (ASM-6, ASM-8)
LSP_READERS = frozenset(
    {Role.KABAG_SERTIFIKASI, Role.KABAG_ADMINISTRASI, Role.KOMITE_TEKNIS, Role.KETUA_LSP}
)  # an LSP's pipeline and its candidates' assessments
# ASM-9: the review of an assessment's process is recorded by an appointed member of the technical committee, who
# is the reviewer: only the committee's asesor numbers are on record (ASM-6.identity), so only a member can be shown
# never to have assessed the candidate under any number. The LSP's staff may not (their numbers are nowhere).
PROCESS_REVIEWERS = frozenset({Role.KOMITE_TEKNIS})
# ... and read by the LSP's own people, and nationally by BNSP's officers and the auditors (ASM-9, decided).
PROCESS_REVIEW_OVERSIGHT = frozenset({Role.BNSP_OFFICER, Role.AUDITOR})


def may_read_process_reviews(actor: Actor, lsp_code: str) -> bool:
    if actor.role in LSP_READERS:
        return actor.institution == lsp_code
    return actor.role in PROCESS_REVIEW_OVERSIGHT


def may_read_assessment(actor: Actor, lsp_code: str, candidate_number: str, assigned: bool) -> bool:
    """An assessment, its evidence and its certificate are personal data (ASM-5: confidential): for the LSP's own
    people, an asesor ever assigned to it (``assigned``), and the candidate themself."""
    if actor.role in LSP_READERS:
        return actor.institution == lsp_code
    if actor.role is Role.ASESOR:
        return assigned
    if actor.role is Role.ASESI:
        return actor.institution == lsp_code and actor.id == candidate_number
    return False


# Foreign diploma equivalency (EQV): national roles, and the applicant acting for their own applications.
EQUIVALENCY_TEAM = frozenset({Role.EQUIVALENCY_TEAM})
LEGAL = frozenset({Role.LEGAL_STAFF})
EQUIVALENCY_READERS = frozenset({Role.EQUIVALENCY_TEAM, Role.LEGAL_STAFF})


def require_personal_data_reader(actor: Actor, university_code: str, nim: str) -> None:
    """UU PDP: a student's report goes to the student themself, or to the controller of their data (their
    university's operator, or the ministry) answering their request."""
    if actor.role is Role.STUDENT:
        require_student(actor, university_code, nim)
        return
    require(actor, ERASERS, university_code)
