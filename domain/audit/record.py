"""An event or an aggregate's state as an auditor reads it (issue 12, item 1): who, when, why, which request,
which rules under which ruleset and with which inputs, and the rest of what it recorded, as plain JSON values.

Personal data is shown sealed (``{"sealed": "personal data"}``): the auditors' tools reconstruct history, they
never widen who sees a person's data; the person's own report (UU PDP) is where it is shown. A credential's
verifier (the hash of an access code) is withheld too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.audit import Cause
from domain.personal import Sealed

SEALED = {"sealed": "personal data"}
WITHHELD = "withheld: a credential's verifier"
# Verifiers of a credential (EQV-1's access code): a reader could test guesses against them offline.
_CREDENTIALS = frozenset({"access_code_hash"})
_EVENT_FIELDS = {"originator_id", "originator_version", "timestamp", "cause", "originator_topic"}


@dataclass(frozen=True)
class EventRecord:
    context: str  # the log it is in: diplomas, submissions, assessments, equivalencies
    position: int | None  # in that log
    aggregate_id: UUID
    version: int
    type: str  # e.g. "Diploma.NINAReserved"
    at: datetime
    actor_id: str | None
    actor_role: str | None
    actor_institution: str | None
    request_id: str | None
    reason: str | None
    rule_ids: tuple[str, ...]
    ruleset: str | None  # the ruleset version a decision applied (PIN-8, EQV-4's rule version)
    inputs: Mapping[str, Any] | None  # what a decision saw, as it recorded it
    payload: Mapping[str, Any]  # everything else it recorded
    actor_issuer: str | None = None  # issue 29: who signed the person in (an OpenID Connect issuer) ...
    actor_subject: str | None = None  # ... and its own name for them (``sub``); None for a development token

    @property
    def by(self) -> str:
        """Who, in one piece: ``role:id@institution``, and ``(subject at issuer)`` when an identity provider signed
        the person in: the person as their issuer identifies them, not only as a role."""
        who = f"{self.actor_role}:{self.actor_id}" + (f"@{self.actor_institution}" if self.actor_institution else "")
        if self.actor_issuer and self.actor_subject:
            who += f" ({self.actor_subject} at {self.actor_issuer})"
        return who


def event_record(context: str, position: int | None, event: Any) -> EventRecord:
    cause: Cause | None = getattr(event, "cause", None)
    decision = getattr(event, "decision", None)
    rule_ids = tuple(getattr(event, "rule_ids", None) or getattr(decision, "rule_ids", None) or ())
    ruleset = getattr(decision, "ruleset_id", None) or getattr(event, "rule_version", None)
    inputs = getattr(decision, "inputs", None)
    payload = {
        name: WITHHELD if name in _CREDENTIALS else plain(value)
        for name, value in vars(event).items()
        if name not in _EVENT_FIELDS and name not in ("rule_ids", "rule_version")
    }
    return EventRecord(
        context=context,
        position=position,
        aggregate_id=event.originator_id,
        version=event.originator_version,
        type=type(event).__qualname__,
        at=event.timestamp,
        actor_id=cause.actor.id if cause else None,
        actor_role=cause.actor.role.value if cause else None,
        actor_institution=cause.actor.institution if cause else None,
        request_id=cause.request_id if cause else None,
        reason=cause.reason if cause else getattr(event, "reason", None),
        rule_ids=rule_ids,
        ruleset=str(ruleset) if ruleset is not None else None,
        inputs=plain(dict(inputs)) if isinstance(inputs, Mapping) else None,
        payload=payload,
        actor_issuer=cause.actor.issuer if cause else None,
        actor_subject=cause.actor.subject if cause else None,
    )


def state_of(aggregate: Any) -> dict[str, Any]:
    """An aggregate's attributes as plain JSON values; the library's bookkeeping left out."""
    return {
        name.removeprefix("_"): WITHHELD if name.removeprefix("_") in _CREDENTIALS else plain(value)
        for name, value in vars(aggregate).items()
        if name not in ("_id", "_version", "_created_on", "_modified_on", "_pending_events")
    }


def plain(value: Any) -> Any:
    """A JSON value for anything an event or aggregate holds; sealed personal data stays sealed."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Sealed):
        return SEALED
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k.value if isinstance(k, Enum) else k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return repr(value)
