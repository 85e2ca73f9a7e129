"""Who verified which competency certificate, and when (UU PDP), as the public look-up records it and the holder's
report reads it; kept by the composition root (``infra/assessment/certificate_trail.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class CertificateTrail(Protocol):
    def record(self, registration_number: str, verified_at: datetime, client_address: str, via: str) -> None: ...

    def for_certificate(self, registration_number: str) -> list[tuple[datetime, str, str]]:
        """(when, via, from which address), oldest first."""
        ...
