from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SivilEntry:
    """What a verifier sees of one diploma (PIN-6): no more than that."""

    university_code: str
    university_name: str
    prodi_code: str
    programme_name: str
    level: str
    nina: str
    nim: str
    full_name: str
    graduation_date: str
    status: str  # VALID
    status_date: str
