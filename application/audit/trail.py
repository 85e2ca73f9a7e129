"""History and time travel for any aggregate of any context (issue 12, item 1).

An aggregate id is looked up in every context's log; its events come back as auditors read them
(``domain.audit.record``), with their positions, and its state as of a version or an instant is its events
replayed up to there. Nothing is read from a read model: this is the log itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.service import Service
from domain.audit.record import EventRecord, event_record, state_of
from domain.errors import violation

MAX_PAGE = 500
AUDIT_RULE = "API.audit"  # not a domain rule: how an auditor's question is asked

# (log, aggregate id, after version, up to version) -> {version: position}
Positions = Callable[[str, UUID, int, int], Mapping[int, int]]
MAX_VERSION = 2**31 - 1  # the stores' version column is a 32-bit integer


@dataclass(frozen=True)
class AggregateHistory:
    aggregate_id: UUID
    context: str
    type: str  # the aggregate's class, e.g. "Diploma"
    version: int  # its latest version
    events: list[EventRecord]  # one page, in version order


@dataclass(frozen=True)
class PastState:
    aggregate_id: UUID
    context: str
    type: str
    version: int  # the version it had then
    at: datetime  # when that version was recorded
    state: dict[str, Any]
    asked: str  # what was asked: "version 3" or an instant


class AuditTrail:
    def __init__(self, applications: Mapping[str, Service], positions: Positions | None = None) -> None:
        self.applications = applications
        self.positions = positions

    def _locate(self, aggregate_id: UUID) -> tuple[str, Service, int] | None:
        """The log holding the aggregate, and its latest version."""
        for name, app in self.applications.items():
            latest = app.recorder.select_events(aggregate_id, desc=True, limit=1)
            if latest:
                return name, app, latest[0].originator_version
        return None

    def event(self, aggregate_id: UUID, version: int) -> tuple[Service, Any] | None:
        """One event of any log, with the application whose log holds it."""
        found = self._locate(aggregate_id)
        if found is None:
            return None
        _, app, _ = found
        events = list(app.repository.event_store.get(aggregate_id, gt=version - 1, lte=version))
        return (app, events[0]) if events else None

    def events(self, aggregate_id: UUID, *, limit: int = MAX_PAGE) -> list[Any]:
        """An aggregate's first events as stored (a diploma's or an application's few), from whichever log holds it."""
        found = self._locate(aggregate_id)
        return list(found[1].repository.event_store.get(aggregate_id, limit=limit)) if found else []

    def history(self, aggregate_id: UUID, *, after_version: int = 0, first: int = 100) -> AggregateHistory | None:
        if not 1 <= first <= MAX_PAGE:
            raise violation(AUDIT_RULE, "first", f"from 1 to {MAX_PAGE}")
        if not 0 <= after_version <= MAX_VERSION:
            raise violation(AUDIT_RULE, "afterVersion", f"from 0 to {MAX_VERSION}")
        found = self._locate(aggregate_id)
        if found is None:
            return None
        name, app, latest = found
        events = list(app.repository.event_store.get(aggregate_id, gt=after_version or None, limit=first))
        upto = events[-1].originator_version if events else after_version
        positions = self.positions(name, aggregate_id, after_version, upto) if self.positions and events else {}
        kind = _aggregate_type(app, aggregate_id)
        return AggregateHistory(
            aggregate_id=aggregate_id,
            context=name,
            type=kind,
            version=latest,
            events=[event_record(name, positions.get(e.originator_version), e) for e in events],
        )

    def as_of(self, aggregate_id: UUID, *, version: int | None = None, at: datetime | None = None) -> PastState | None:
        """Its state at a version, or as it stood at an instant; None when it did not exist then."""
        if (version is None) == (at is None):
            raise violation(AUDIT_RULE, "version", "give either a version or an instant, not both")
        if version is not None and not 1 <= version <= MAX_VERSION:
            raise violation(AUDIT_RULE, "version", f"versions are 1 to {MAX_VERSION}")
        if at is not None and at.tzinfo is None:
            raise violation(AUDIT_RULE, "at", "an instant with its time zone")
        found = self._locate(aggregate_id)
        if found is None:
            return None
        name, app, latest = found
        if version is not None and version > latest:
            raise violation(AUDIT_RULE, "version", f"it has {latest} version(s)")
        wanted = version if version is not None else _version_at(app, aggregate_id, at)  # type: ignore[arg-type]
        if wanted == 0:
            return None
        # The library's repository starts from a snapshot where the aggregate has them (a NINA sequence).
        aggregate: Any = app.repository.get(aggregate_id, version=wanted)
        return PastState(
            aggregate_id=aggregate_id,
            context=name,
            type=type(aggregate).__qualname__,
            version=aggregate.version,
            at=aggregate.modified_on,
            state=state_of(aggregate),
            asked=f"version {version}" if version is not None else f"as of {at.isoformat() if at else ''}",
        )


def _aggregate_type(app: Service, aggregate_id: UUID) -> str:
    """The aggregate's class, named by its created event (``Diploma.Reserved`` -> ``Diploma``)."""
    for created in app.repository.event_store.get(aggregate_id, limit=1):
        return type(created).__qualname__.rsplit(".", 1)[0]
    return "?"


def _version_at(app: Service, aggregate_id: UUID, at: datetime) -> int:
    """The aggregate's last version recorded at or before the instant (0: none yet), read a page at a time."""
    found, after = 0, 0
    while True:
        page: list[Any] = list(app.repository.event_store.get(aggregate_id, gt=after or None, limit=MAX_PAGE))
        for event in page:
            if event.timestamp > at:
                return found
            found = event.originator_version
        if len(page) < MAX_PAGE:
            return found
        after = page[-1].originator_version
