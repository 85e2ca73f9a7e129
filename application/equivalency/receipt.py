"""What the equivalency context's commands return beyond a position."""

from __future__ import annotations

from dataclasses import dataclass

from application.receipt import Receipt


@dataclass(frozen=True)
class ApplicationReceipt(Receipt):
    registration_number: str = ""
    status: str = ""
    missing: tuple[str, ...] = ()  # checklist items still to upload (EQV-2)
    access_code: str | None = None  # the second factor (EQV-1): answered once, at registration, never again
