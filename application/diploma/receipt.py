"""What the diploma commands return beyond a position."""

from __future__ import annotations

from dataclasses import dataclass

from application.receipt import Receipt


@dataclass(frozen=True)
class NinaReceipt(Receipt):
    """The diploma's NINA and its status after the command (RESERVED, PAIRED, VOID, CANCELLED_IN_ERROR)."""

    nina: str
    status: str
