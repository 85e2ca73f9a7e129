"""The processing trail of SIVIL (UU PDP 27/2022) as the API uses it: who verified which diploma, and when.

Only successful look-ups are recorded, since only they touch a holder's personal data. The public never
reads it; the holder and staff read it through ``for_diploma``. The composition root hands over the store
that keeps it (``infra/sivil/trail.py``), as it does the spent challenges
(``api.public_lookup.challenge.ChallengeLedger``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Verification:
    """One look-up of one diploma: when, from which address, and through which door (web, graphql, status, pdf)."""

    verified_at: datetime
    university_code: str
    prodi_code: str
    nina: str
    client_address: str
    via: str


class ProcessingTrail(Protocol):
    def record(self, v: Verification) -> None: ...

    def for_diploma(self, university_code: str, prodi_code: str, nina: str) -> list[Verification]:
        """Every verification of one diploma, oldest first."""
        ...
