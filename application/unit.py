"""Many commands, one transaction: the unit of work of bulk paths (the PDDIKTI import, issue 8).

Inside ``Service.unit()``, the commands run as always (the same code decides), but an aggregate is loaded
once per unit and a command's ``commit`` only stages what it changed; ``Service.flush`` then saves every
staged aggregate in one ``save()``. A refused command changes nothing (the aggregates decide before they
record), which ``Unit.clean`` checks, so the lines around a bad one still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.personal import Sealer

# The position a staged command reports: changed, but not yet written. The flush gives the real one.
STAGED = 0


@dataclass
class Unit:
    seen: dict[UUID, Any] = field(default_factory=dict)  # aggregates loaded or created here; None: not found
    staged: dict[UUID, int] = field(default_factory=dict)  # aggregate id -> its pending events when committed
    sealer: Sealer | None = None  # keys fetched for the whole unit at once, when the store can

    def stage(self, aggregates: tuple[Any, ...]) -> bool:
        """Stages what a command committed; True when it recorded something new."""
        changed = False
        for aggregate in aggregates:
            self.seen[aggregate.id] = aggregate
            pending = len(aggregate.pending_events)
            if pending > self.staged.get(aggregate.id, 0):
                self.staged[aggregate.id] = pending
                changed = True
        return changed

    def clean(self) -> bool:
        """No aggregate holds an event that no command committed."""
        staged = self.staged.get
        for aggregate_id, aggregate in self.seen.items():  # a loop, not a generator's step per aggregate (issue 35)
            if aggregate is not None and len(aggregate.pending_events) != staged(aggregate_id, 0):
                return False
        return True

    def to_save(self) -> list[Any]:
        return [self.seen[i] for i in self.staged]
