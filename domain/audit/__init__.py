"""Who caused a change, and why: carried by every event from the first one (stored as ``domain.audit:Cause``,
so these classes stay in this module). The auditors' tools: ``chain`` (tamper evidence), ``record`` (an event
as an auditor reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    MINISTRY_ADMIN = "ministry_admin"  # keeps the PDDIKTI registry of universities and prodi
    UNIVERSITY_OPERATOR = "university_operator"  # reports and numbers for one university
    UNIVERSITY_LEADER = "university_leader"  # rektor: proposes annulments (PIN-5)
    DIRECTOR_GENERAL = "director_general"  # Dirjen: annuls NINAs (PIN-5)
    PDDIKTI_SYNC = "pddikti_sync"  # bulk feed from a university's academic system
    STUDENT = "student"  # one student: the actor's id is their NIM, the institution their university (SUB)
    SSC_STAFF = "ssc_staff"  # student service centre: keeps the catalog, reviews submissions (SUB-2, SUB-8)
    # Competency certification (ASM): the institution of an LSP role is the LSP's code.
    BNSP_OFFICER = "bnsp_officer"  # national: licences LSPs, registers asesors (ASM-2, ASM-3)
    KABAG_SERTIFIKASI = "kabag_sertifikasi"  # an LSP's head of certification: skema, TUK, schedule, SOP steps
    KABAG_ADMINISTRASI = "kabag_administrasi"  # an LSP's head of administration: documents, letters, printing
    KOMITE_TEKNIS = "komite_teknis"  # a member of an LSP's technical committee: the plenary; the actor's id
    KETUA_LSP = "ketua_lsp"  # the LSP's head: appoints the committee, signs certificates (ASM-6 step 8)
    ASESOR = "asesor"  # the actor's id is their BNSP registration number (ASM-3, ASM-4)
    ASESI = "asesi"  # a candidate: the actor's id is their candidate number at the LSP
    # Foreign diploma equivalency (EQV): national roles of the directorate, and the applicant's own account.
    APPLICANT = "applicant"  # the actor's id is their account on the equivalency portal
    EQUIVALENCY_TEAM = "equivalency_team"  # the directorate's team: reviews, escalates, decides (EQV-1 .. EQV-7)
    LEGAL_STAFF = "legal_staff"  # answers a formal review (PK) and reads what a decision was based on (EQV-8)
    # Oversight (issue 12): reads every context's history, never changes anything.
    AUDITOR = "auditor"  # replays history and checks the chain; sees personal data only sealed


@dataclass(frozen=True)
class Actor:
    id: str
    role: Role
    institution: str | None = None  # university code for university roles
    # Issue 29: who signed the person in, and its own name for them (an OpenID Connect ``iss`` and ``sub``); None for
    # a development token and for events stored before (they load with the defaults).
    issuer: str | None = None
    subject: str | None = None

    @property
    def signed_in_as(self) -> str:
        """The person as their identity provider names them, else as the role's id names them."""
        if self.issuer and self.subject:
            return f"{self.subject} at {self.issuer}"
        return self.id


@dataclass(frozen=True)
class Cause:
    """Recorded on every event: auditors trace each change to a person and a request."""

    actor: Actor
    request_id: str
    reason: str | None = None
