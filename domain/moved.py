"""Where classes used to live: stored events keep the topic (``module:qualname``) they were written under.

Persistence registers these old module names (``infra.topics``); a query that selects stored events by
topic asks for every topic its class has had (``topics_of``).
"""

from __future__ import annotations

# old module -> where its classes live now
MOVED_MODULES = {
    # issue 16: the registry became a context of its own, used by diplomas, submissions and equivalency
    "domain.diploma.codes": "domain.registry.codes",
    "domain.diploma.gpa": "domain.registry.gpa",
    "domain.diploma.identity": "domain.registry.identity",
    "domain.diploma.period": "domain.registry.period",
    "domain.diploma.programme": "domain.registry.programme",
    "domain.diploma.record": "domain.registry.record",
    "domain.diploma.student": "domain.registry.student",
    "domain.diploma.university": "domain.registry.university",
}

# old topic -> topic now, for a class that left a module that still exists
MOVED_CLASSES = {
    # issue 16: the API names a programme's level and accreditation without importing the aggregate's module
    "domain.registry.programme:Level": "domain.registry.level:Level",
    "domain.registry.programme:Orientation": "domain.registry.level:Orientation",
    "domain.registry.programme:Accreditation": "domain.registry.accreditation:Accreditation",
}


def old_class_topics() -> dict[str, str]:
    """Every topic a moved class was stored under, under any earlier name of its old module, -> its topic now."""
    moved = {}
    for old_topic, topic in MOVED_CLASSES.items():
        module, qualname = old_topic.split(":")
        moved[old_topic] = topic
        moved.update({f"{old}:{qualname}": topic for old, new in MOVED_MODULES.items() if new == module})
    return moved


def topics_of(cls: type) -> list[str]:
    """The class's topic today, then every topic it was stored under before it moved."""
    module, qualname = cls.__module__, cls.__qualname__  # the form of eventsourcing's get_topic
    topic = f"{module}:{qualname}"
    older = [f"{old}:{qualname}" for old, new in MOVED_MODULES.items() if new == module]
    return [topic, *older, *(old for old, now in old_class_topics().items() if now == topic)]
