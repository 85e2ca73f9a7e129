"""The processing trail of SIVIL (UU PDP 27/2022) as the API uses it: who verified which diploma, and when.

Only successful look-ups are recorded, since only they touch a holder's personal data. The public never
reads it; the holder and staff read it through ``for_diploma``. The composition root hands over the store
that keeps it (``infra/sivil/trail.py``), as it does the spent challenges (``api.sivil.challenge.ChallengeLedger``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Door(StrEnum):
    """Through which door a look-up came: the web form, a QR link, the status check, the public GraphQL API (and
    its status query), the verification PDF or the credential download."""

    WEB = "web"
    QR = "qr"
    STATUS = "status"
    GRAPHQL = "graphql"
    GRAPHQL_STATUS = "graphql-status"
    PDF = "pdf"
    CREDENTIAL = "credential"


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
