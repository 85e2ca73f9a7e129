from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Receipt:
    """What a command returns: the position of its last event (None when nothing changed)."""

    position: int | None
    nina: str | None = None

    @property
    def changed(self) -> bool:
        return self.position is not None
