"""Every event carries who, when, why and the request that caused it (issue 12, item 7; DOMAIN "in common").

Walks every event class of every context, the created events included: each declares ``cause: Cause`` (the
actor's id, role and institution, the request id, and the reason where a rule needs one), and the library gives
each its ``timestamp``. A new event class without a cause fails here.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import typing

from eventsourcing.domain import Aggregate

import domain
from domain.audit import Actor, Cause
from tests.test_stored_events import event_classes


def aggregate_classes() -> set[type[Aggregate]]:
    found: set[type[Aggregate]] = set()
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        found.update(
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Aggregate) and cls is not Aggregate and cls.__module__ == module.__name__
        )
    return found


def own_created_events(aggregate: type[Aggregate]) -> list[type]:
    """The created events the aggregate names itself; the library adds a ``Created`` of its own to every aggregate
    (without a cause), which an aggregate created by its own event never uses."""
    return [
        member
        for name, member in inspect.getmembers(aggregate, inspect.isclass)
        if issubclass(member, Aggregate.Created)
        and member.__qualname__.startswith(aggregate.__qualname__ + ".")
        and name != "Created"
    ]


def test_every_event_class_of_every_context_declares_its_cause() -> None:
    classes = event_classes()
    contexts = {cls.__module__.split(".")[1] for cls in classes}
    assert {"diploma", "registry", "submission", "assessment", "equivalency"} <= contexts
    missing = sorted(cls.__qualname__ for cls in classes if typing.get_type_hints(cls).get("cause") is not Cause)
    assert not missing, f"event classes without `cause: Cause` (who, why, which request): {missing}"


def test_every_aggregate_is_created_by_an_event_of_its_own_with_a_cause() -> None:
    aggregates = aggregate_classes()
    aggregates -= {base for cls in aggregates for base in cls.__mro__[1:]}  # mixins (AfterDecision) create nothing
    assert len(aggregates) >= 10
    created = {cls: own_created_events(cls) for cls in aggregates}
    missing = sorted(
        cls.__qualname__
        for cls, events in created.items()
        if not events or any(typing.get_type_hints(e).get("cause") is not Cause for e in events)
    )
    assert not missing, f"aggregates created without a cause: {missing}"


def test_a_cause_names_the_actor_with_role_and_institution_the_request_and_the_reason() -> None:
    assert [f.name for f in dataclasses.fields(Cause)] == ["actor", "request_id", "reason"]
    # issue 29: and as their identity provider names them (issuer, subject), optional so that old events load
    assert [f.name for f in dataclasses.fields(Actor)] == ["id", "role", "institution", "issuer", "subject"]
    assert "timestamp" in typing.get_type_hints(Aggregate.Event)  # when: every event's own time, set by the library
