from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Receipt:
    """What a command returns: the position of its last event (None when nothing changed)."""

    position: int | None
    nina: str | None = None
    status: str | None = None  # the diploma's status after the command (RESERVED, PAIRED, VOID, ...) or an erasure's

    @property
    def changed(self) -> bool:
        return self.position is not None
