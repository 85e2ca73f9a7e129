"""A hot command's new events, made and applied as the library makes and applies them, without its per-call
introspection (issue 35).

Creating an aggregate the library's way (its metaclass's ``__call__``, then ``Aggregate._create``) matches its
arguments to the event's and the constructor's parameters on every call, builds the frozen event field by field
through ``object.__setattr__`` and resolves the aggregate's topic back to its class: a NINA reservation creates two
aggregates and paid about a tenth of its CPU for that. What is worked out per class is worked out here once
(``_plan``); what is made per call is the same event (the same fields, in the same order, so the same stored state)
and the same aggregate (its attributes set in the same order, by the same ``__base_init__`` and the same constructor
body). Anything the plan does not cover (an argument by position or left to its default, an ``id`` parameter, an
explicit topic, an event's own ``__post_init__`` or ``mutate``) goes the library's way. An aggregate opts in with
``class X(QuickCreation, Aggregate, metaclass=QuickCreated)``; ``trigger`` does the same for an event applied by its
own ``apply``. ``tests/domain/test_creation.py`` compares both ways.
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
from dataclasses import MISSING
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEvent, MetaAggregate

_BASE_FIELDS = ("originator_id", "originator_version", "timestamp", "originator_topic")
_new, _set = object.__new__, object.__setattr__


class _Plan(NamedTuple):
    topic: str  # the aggregate's, as the library writes it into its created event
    fields: tuple[str, ...]  # the event's, in its dataclass's order (the order the library's __init__ sets them)
    given: frozenset[str]  # what a caller passes: the fields less the four the library fills in
    id_params: tuple[str, ...]  # what ``create_id`` takes
    init: Any  # the constructor's body (the function under ``@event``)
    init_params: tuple[str, ...]
    event_class: type[Any]
    in_order: tuple[str, ...]  # ``given`` in the event's order: arguments passed so need no reordering
    init_takes_all: bool  # the constructor's parameters are ``in_order``: it takes the arguments as they were passed
    id_args: Any  # ``create_id``'s arguments, by position, from the keyword arguments (None: by keyword)
    direct: bool  # ``Cls(**kwargs)`` may make it here: the class keeps ``QuickCreation._create`` as it is


class QuickCreated(MetaAggregate[Any]):
    """The metaclass of an aggregate created the cheaper way: ``Cls(**kwargs)`` naming every parameter of its
    constructor goes straight to ``_create`` with the created event, as the library's ``__call__`` ends up doing once it
    has matched the arguments to the parameters (nothing to match then: no positional argument, no default to fill
    in). Any other call is the library's."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        plan = None if args else _called(cls)
        if plan is None or kwargs.keys() != plan.given:
            return super().__call__(*args, **kwargs)
        if plan.direct:  # what ``_create`` would do, its plan and arguments already at hand (issue 35)
            return _made(cls, plan, None, kwargs)
        return cls._create(plan.event_class, **kwargs)


class QuickCreation:
    """A mixin before ``Aggregate`` (``class Diploma(QuickCreation, Aggregate)``): the aggregate's creation made the
    cheaper way where ``_plan`` covers it (module docstring), else the library's."""

    @classmethod
    def _create(cls, event_class: type[Any], *, id: Any = None, **kwargs: Any) -> Any:
        plan = _plan(cls, event_class)
        if plan is None or kwargs.keys() != plan.given:
            library: Any = super()
            return library._create(event_class, id=id, **kwargs)
        return _made(cls, plan, id, kwargs)


def _made(cls: Any, plan: _Plan, id: Any, kwargs: dict[str, Any]) -> Any:
    """``QuickCreation._create``'s work once its plan covers the call."""
    event_class = plan.event_class
    if id is not None:
        originator_id = id
    elif plan.id_args is not None:
        originator_id = cls.create_id(*plan.id_args(kwargs))
    else:
        originator_id = cls.create_id(**{k: kwargs[k] for k in plan.id_params})
    if type(originator_id) is not UUID:  # a str id, or anything the library would check and refuse
        library: Any = super(QuickCreation, cls)
        return library._create(event_class, id=originator_id, **kwargs)
    timestamp: datetime = event_class.create_timestamp()
    version = cls.INITIAL_VERSION  # the library's first version (1)
    base = {"originator_id": originator_id, "originator_version": version, "timestamp": timestamp}
    state = {**base, "originator_topic": plan.topic, **kwargs}
    in_order = tuple(kwargs) == plan.in_order  # as callers pass them: ``state`` is then in the event's order
    created = _new(event_class)
    _set(created, "__dict__", state if in_order else {name: state[name] for name in plan.fields})
    aggregate: Any = _new(cls)
    aggregate.__base_init__(**base)
    if in_order and plan.init_takes_all:
        plan.init(aggregate, **kwargs)
    else:
        plan.init(aggregate, **{k: kwargs[k] for k in plan.init_params})
    aggregate._pending_events.append(created)
    return aggregate


def trigger(aggregate: Aggregate, event_class: type[Any], **fields: Any) -> None:
    """``aggregate.trigger_event(event_class, **fields)`` for an event applied by its own ``apply`` (not ``@event``):
    the same event (its fields in its dataclass's order) applied the same way, then the aggregate's version and time
    of modification moved on, as the library's ``mutate`` does."""
    key = (type(aggregate), event_class)
    planned = _triggered.get(key, _UNPLANNED)
    if planned is _UNPLANNED:
        planned = _trigger_plan(*key)
    names = planned[0] if planned is not None else None
    in_order = names is not None and tuple(fields) == names[3:]  # as callers pass them: no reordering
    if planned is None or names is None or not (in_order or fields.keys() == set(names[3:])):
        aggregate.trigger_event(event_class, **fields)
        return
    plain = planned[1]
    attributes = aggregate.__dict__
    # The library's id, version and modified_on only read and write _id, _version and _modified_on: where the class
    # keeps them, those are read and written as they would (no property's call, issue 35).
    version = (attributes["_version"] if plain else aggregate.version) + 1
    timestamp = event_class.create_timestamp()
    originator_id = attributes["_id"] if plain else aggregate.id
    state = {"originator_id": originator_id, "originator_version": version, "timestamp": timestamp, **fields}
    event = _new(event_class)
    _set(event, "__dict__", state if in_order else {name: state[name] for name in names})
    event.apply(aggregate)
    if plain:
        attributes["_version"], attributes["_modified_on"] = version, timestamp
    else:
        aggregate.version = version
        aggregate.modified_on = timestamp
    aggregate._pending_events.append(event)


# Worked out once per aggregate class and event class (as many as the code defines); the same by any thread.
_plans: dict[tuple[type[Any], type[Any] | None], _Plan | None] = {}
_calls: dict[type[Any], _Plan | None] = {}
_fields: dict[tuple[type[Any], bool], tuple[str, ...] | None] = {}
_triggered: dict[tuple[type[Any], type[Any]], tuple[tuple[str, ...] | None, bool] | None] = {}
_UNPLANNED: Any = object()
_KEPT_AS_THE_LIBRARY_KEEPS = ("id", "version", "modified_on")


def _trigger_plan(aggregate_class: type[Any], event_class: type[Any]) -> tuple[tuple[str, ...] | None, bool] | None:
    """The event's fields for ``trigger`` (None where the library's ``trigger_event`` must make it: an event it does not
    cover, or an aggregate with an explicit topic), and whether the class keeps the library's own properties for its
    id, version and time of modification."""
    if getattr(aggregate_class, "TOPIC", None):
        planned = None
    else:
        plain = all(getattr(aggregate_class, n) is getattr(Aggregate, n) for n in _KEPT_AS_THE_LIBRARY_KEEPS)
        planned = (_event_fields(event_class, created=False), plain)
    _triggered[(aggregate_class, event_class)] = planned
    return planned


def _called(cls: type[Any]) -> _Plan | None:
    """The plan for ``Cls(**kwargs)``: its created event's."""
    if cls not in _calls:
        _calls[cls] = _plan(cls, _created_event(cls))
    return _calls[cls]


def _plan(cls: type[Any], event_class: type[Any] | None) -> _Plan | None:
    key = (cls, event_class)
    if key not in _plans:
        _plans[key] = _planned(cls, event_class)
    return _plans[key]


def _event_fields(event_class: type[Any], *, created: bool) -> tuple[str, ...] | None:
    key = (event_class, created)
    if key not in _fields:
        _fields[key] = _ordered_fields(event_class, created=created)
    return _fields[key]


def _created_event(cls: type[Any]) -> type[Any] | None:
    """The event class the library creates the aggregate with: the one of the class's own (the library redefines each
    nested event class on its aggregate) that is the constructor's decorating event, when just one is; else None."""
    given = getattr(cls.__dict__.get("__init__"), "given_event_cls", None)
    if given is None or not issubclass(given, Aggregate.Created):
        return None
    own = [v for v in vars(cls).values() if isinstance(v, type) and issubclass(v, given)]
    return own[0] if len(own) == 1 else None


def _planned(cls: type[Any], event_class: type[Any] | None) -> _Plan | None:
    if event_class is None:
        return None
    init = cls.__dict__.get("__init__")
    function = getattr(init, "decorated_func", None)  # the library's CommandMethodDecorator keeps the body here
    fields = _event_fields(event_class, created=True)
    if function is None or fields is None or getattr(cls, "TOPIC", None):
        return None
    init_params = tuple(p for p in inspect.signature(function).parameters if p != "self")
    id_params = tuple(inspect.signature(cls.create_id).parameters)
    given = frozenset(fields[len(_BASE_FIELDS) :])
    if "id" in init_params or not given.issuperset(init_params) or not given.issuperset(id_params):
        return None
    in_order = fields[len(_BASE_FIELDS) :]
    topic = f"{cls.__module__}:{cls.__qualname__}"
    by_position = all(p.kind is p.POSITIONAL_OR_KEYWORD for p in inspect.signature(cls.create_id).parameters.values())
    id_args = operator.itemgetter(*id_params) if by_position and len(id_params) > 1 else None  # a tuple of them
    direct = getattr(cls._create, "__func__", None) is QuickCreation._create.__func__  # type: ignore[attr-defined]
    takes_all = init_params == in_order
    return _Plan(
        topic, fields, given, id_params, function, init_params, event_class, in_order, takes_all, id_args, direct
    )


def _ordered_fields(event_class: type[Any], *, created: bool) -> tuple[str, ...] | None:
    """The event's fields in order, if the caller sets every one (none left to a default) and only the library's own
    ``__post_init__`` and ``mutate`` (and, for a created event, ``apply``) would run on them; else None."""
    fields = dataclasses.fields(event_class)
    names = tuple(f.name for f in fields)
    base = _BASE_FIELDS if created else _BASE_FIELDS[:3]
    plain = all(f.init and f.default is MISSING and f.default_factory is MISSING for f in fields)
    kind = Aggregate.Created if created else Aggregate.Event
    library = event_class.__post_init__ is DomainEvent.__post_init__ and event_class.mutate is kind.mutate
    if created:
        library = library and event_class.apply is kind.apply
    return names if plain and library and names[: len(base)] == base else None
