"""Old topics of moved classes resolve to the classes: registering an old module name resolves every
class it held, events, aggregates and the value types stored inside events alike (``domain.moved``)."""

from __future__ import annotations

import importlib

from eventsourcing.utils import register_topic

from domain.moved import MOVED_MODULES


def register_moved_topics() -> None:
    for old, new in MOVED_MODULES.items():
        register_topic(old, importlib.import_module(new))
