"""Finishing erasures (UU PDP) that stopped between recording the erasure and destroying the key: every context
records its erasure event first and destroys the subject's key after, so on start-up the worker destroys the key
of every recorded erasure whose key still exists (the registry's own sweep also reads its moved topics)."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.utils import get_topic

from application.service import Service
from domain.personal import Sealer

log = logging.getLogger(__name__)

_PAGE = 500
# Where each application's sweep of each event class got to: the worker sweeps every half minute (issue 27, item
# 10), and from the start of the log each time it would read the whole log ever more often as it grows. An erasure
# event before that point was seen, and its key destroyed then; the log's positions only grow.
_swept: weakref.WeakKeyDictionary[Service, dict[tuple[str, ...], int]] = weakref.WeakKeyDictionary()


def _logged(event: Any) -> None:
    log.warning("completed the erasure of %s: its key still existed", event.originator_id)


def complete_erasures(
    app: Service,
    sealer: Sealer,
    erased: type,
    *,
    topics: Sequence[str] | None = None,
    completed_one: Callable[[Any], None] | None = None,
) -> int:
    """Destroys the key of each recorded ``erased`` event's aggregate whose key still exists; returns how many.
    ``topics``: where the event class is also stored under earlier topics; ``completed_one``: says which it was."""
    topics = list(topics or [get_topic(erased)])
    positions = _swept.setdefault(app, {})
    completed, start = 0, positions.get(tuple(topics), 1)
    while True:
        page = app.recorder.select_notifications(start=start, limit=_PAGE, topics=topics)
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            if sealer.erase(event.originator_id, app.clock().isoformat()):
                completed += 1
                if completed_one is not None:
                    completed_one(event)
                else:
                    log.warning(
                        "completed the erasure of %s (%s): its key still existed", event.originator_id, app.name
                    )
        if page:
            positions[tuple(topics)] = page[-1].id + 1
        if len(page) < _PAGE:
            return completed
        start = page[-1].id + 1
