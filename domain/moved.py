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


def topics_of(cls: type) -> list[str]:
    """The class's topic today, then every topic it was stored under before it moved."""
    module, qualname = cls.__module__, cls.__qualname__  # the form of eventsourcing's get_topic
    return [f"{module}:{qualname}", *(f"{old}:{qualname}" for old, new in MOVED_MODULES.items() if new == module)]
