"""Who caused a change, and why: carried by every event from the first one."""

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


@dataclass(frozen=True)
class Actor:
    id: str
    role: Role
    institution: str | None = None  # university code for university roles


@dataclass(frozen=True)
class Cause:
    """Recorded on every event: auditors trace each change to a person and a request."""

    actor: Actor
    request_id: str
    reason: str | None = None
