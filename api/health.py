"""What ``/health`` and ``kredensial projection-status`` report: each read model's position, lag and skipped events.

``degraded`` still answers HTTP 200: the API serves commands and every other read model, so a load
balancer must not take the instance out for it; monitoring alerts on the status field. HTTP 503 means
the database does not answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from projections.status import ProjectionStatus
from projections.worker import ProjectionWorker

log = logging.getLogger(__name__)


def health_report(
    worker: ProjectionWorker, outbox: Callable[[], dict[str, object]] | None = None
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): ``ok``, ``degraded`` (some event was skipped), or ``unavailable``; with the e-mail
    outbox's counts (SUB-10), so monitoring sees mail that waits or fails."""
    try:
        statuses = worker.status()
        mail = outbox() if outbox is not None else None
    except Exception:
        log.exception("health: the read-model database does not answer")
        return 503, {"status": "unavailable", "message": "the database does not answer"}
    body = report_body(statuses)
    if mail is not None:
        body["outbox"] = mail
    return 200, body


def report_body(statuses: list[ProjectionStatus]) -> dict[str, Any]:
    healthy = all(s.healthy for s in statuses)
    return {
        "status": "ok" if healthy else "degraded",
        "projections": {_key(s, statuses): s.as_dict() for s in statuses},
    }


def _key(status: ProjectionStatus, statuses: list[ProjectionStatus]) -> str:
    """The read model's name; ``name/application`` for one that follows several applications' logs."""
    following = sum(1 for s in statuses if s.name == status.name)
    return status.name if following == 1 else f"{status.name}/{status.application}"


def report_lines(statuses: list[ProjectionStatus]) -> list[str]:
    lines = []
    for s in statuses:
        state = "ok" if s.healthy else f"DEGRADED: {s.failure_count} event(s) skipped"
        lines.append(f"{_key(s, statuses)}: position {s.position} of {s.head} (lag {s.lag}), {state}")
        lines.extend(f"  skipped position {f.position} ({f.topic}) at {f.failed_at}: {f.error}" for f in s.failures)
        if s.failure_count > len(s.failures):
            lines.append(f"  ... and {s.failure_count - len(s.failures)} earlier")
    return lines
