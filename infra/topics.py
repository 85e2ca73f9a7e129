"""Old topics of moved classes resolve to the classes: registering an old module name resolves every
class it held, events, aggregates and the value types stored inside events alike; a class that left a module
that still exists is registered by its old topics (``domain.moved``)."""

from __future__ import annotations

import importlib

from eventsourcing.utils import register_topic, resolve_topic

from domain.moved import MOVED_MODULES, old_class_topics


def register_moved_topics() -> None:
    for old, new in MOVED_MODULES.items():
        register_topic(old, importlib.import_module(new))
    # A class-level topic is looked up before its module's, so these win over the module registrations above.
    for old_topic, topic in old_class_topics().items():
        register_topic(old_topic, resolve_topic(topic))
