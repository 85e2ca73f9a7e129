"""How far each read model is, and what it skipped: for ``/health`` and ``kredensial projection-status``."""

from __future__ import annotations

from dataclasses import dataclass

from projections.failures import Failure


@dataclass(frozen=True)
class ProjectionStatus:
    """One read model in one application's log."""

    name: str
    application: str
    position: int  # the last notification applied (or skipped)
    head: int  # the log's last notification
    failure_count: int  # events skipped because they could not be applied
    failures: tuple[Failure, ...]  # the latest of them, newest first

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)

    @property
    def healthy(self) -> bool:
        return self.failure_count == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "application": self.application,
            "position": self.position,
            "head": self.head,
            "lag": self.lag,
            "failure_count": self.failure_count,
            "failures": [
                {"position": f.position, "topic": f.topic, "error": f.error, "failed_at": f.failed_at}
                for f in self.failures
            ],
        }
