from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisteredDiploma:
    university_code: str
    nim: str
    full_name: str
    prodi_code: str
    nina: str
    status: str
    reserved_at: str
    reserved_by: str
    reservation_ruleset: str
    paired_at: str | None
    paired_by: str | None
    pairing_ruleset: str | None
    graduation_date: str | None
    yudisium_number: str | None
