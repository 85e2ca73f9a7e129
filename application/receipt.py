"""What every command returns, whichever context ran it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Receipt:
    """The application whose log the command wrote, and the position of its last event there (None when
    nothing changed). A client reads its own write by asking a query to wait for that position of that log."""

    application: str
    position: int | None

    @property
    def changed(self) -> bool:
        return self.position is not None
