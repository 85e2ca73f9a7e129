"""orjson transcoding of event state: fast, and explicit about every non-JSON type it keeps.

Two stored formats (issue 35), told apart by their first bytes, so the log holds both and every event loads:

- the first (``{"timestamp":{"_type_":"datetime",...``): every non-JSON value tagged with its type, read back by
  a walk over every value. Events stored before issue 35 have it, and an event whose values are not exactly
  what its class declares is still written in it.
- the typed (``{"_v":2,"timestamp":"2026-...``): orjson's native types, read back by the event class's type
  hints (``infra.typed_state``); a field whose hint says too little (``Any``, a union of two value types) holds
  its value in the first format's tagged form and is named in ``_t`` (so a class whose hints change later
  still reads what was stored). :class:`EventMapper` writes it, handing the event class over.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Hashable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

from infra import typed_state
from infra.topics import register_moved_topics

# Only our own value types are rebuilt from stored topics: stored data never names arbitrary code.
_ALLOWED_TOPIC_PREFIXES = ("domain.",)

register_moved_topics()  # events stored before a class moved still load


TYPED = b'{"_v":2'  # how a state in the typed format begins


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        """The first format (what ``encode_event`` falls back to)."""
        return orjson.dumps(_to_json(obj))

    def decode(self, data: bytes) -> Any:
        """The first format only: a typed state needs its class (``decode_event``)."""
        return _from_json(orjson.loads(data))

    def encode_event(self, event_class: type, state: dict[str, Any]) -> bytes:
        """The typed format, or the first when a value is not exactly what its field declares."""
        plan = typed_state.plan(event_class)
        fits = plan.fits(state) if plan.fits is not None else None
        if fits:  # most events: every field typed, and every value exactly what its hint says
            # so the one value orjson does not write is a Decimal (a hint's exact type), which ``str`` writes as
            # ``_decimal`` does, in C: a report's two grades each event (issue 35)
            return orjson.dumps({"_v": 2, **state}, default=str)
        if fits is False:
            return self.encode(state)
        typed = plan.typed
        tagged = False
        for name, value in state.items():
            codec = typed.get(name)
            if codec is None:
                tagged = True  # the hint says too little
            elif not (type(value) in codec.kinds if codec.kinds else codec.check(value)):  # kinds: the check's types
                return self.encode(state)
        if not tagged:  # most events: every value as it is, after the format's mark
            return orjson.dumps({"_v": 2, **state}, default=_decimal)
        stored: dict[str, Any] = {"_v": 2}
        names = []
        for name, value in state.items():
            if name in typed:
                stored[name] = value
            else:
                stored[name] = _to_json(value)
                names.append(name)
        stored["_t"] = names  # the state says how each field was stored, so a class whose hints change later reads it
        return orjson.dumps(stored, default=_decimal)

    def decode_event(self, event_class: type, data: bytes) -> dict[str, Any]:
        if not data.startswith(TYPED):
            return self.decode(data)
        plan = typed_state.plan(event_class)
        if plan.read is not None and (whole := plan.read(data)) is not None:  # most events: in one pass, in C
            return whole
        state: dict[str, Any] = orjson.loads(data)
        del state["_v"]
        tagged: frozenset[str] = frozenset(state.pop("_t")) if "_t" in state else frozenset()
        for name in tagged:  # stored tagged, whatever the class declares now (a field made typed later included)
            state[name] = _from_json(state[name])
        # Stored typed, but the class now declares a type the typed format cannot read: loading it as raw JSON would
        # hand the aggregate a dict where it expects a value, so it is refused loudly (give the class an upcaster).
        # A field the class no longer declares at all stays as stored, for its upcaster to drop. (Most events have
        # only typed fields: the subset test allocates nothing.)
        if not state.keys() <= plan.typed.keys():
            unreadable = (state.keys() - tagged - plan.typed.keys()) & plan.declared
            if unreadable:
                raise TypeError(f"{event_class.__qualname__}: {sorted(unreadable)} stored typed, no longer typed")
        get = state.get
        for name, convert in plan.converted:
            value = get(name)
            if value is not None and (not tagged or name not in tagged):
                state[name] = convert(value)
        return state


class EventMapper(Mapper[UUID]):
    """The library's mapper, handing the event class to the transcoder (``MAPPER_TOPIC``): events are stored in
    the typed format, and both formats are read. No compressor or cipher is configured here."""

    transcoder: OrjsonTranscoder

    def __init__(self, transcoder: Transcoder, compressor: Any = None, cipher: Any = None) -> None:
        if not isinstance(transcoder, OrjsonTranscoder) or compressor or cipher:
            raise TypeError("EventMapper needs the OrjsonTranscoder, and no compressor or cipher")
        super().__init__(transcoder)

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        cls = type(domain_event)
        topic, class_version = _written_as(cls)
        state = dict(vars(domain_event))
        originator_id, version = state.pop("originator_id"), state.pop("originator_version")
        if class_version > 1:
            state["class_version"] = class_version
        fits = typed_state.plan(cls).fits
        if fits is not None and type(self.transcoder) is OrjsonTranscoder and fits(state):
            data = orjson.dumps({"_v": 2, **state}, default=str)  # ``encode_event``'s first answer, in line
        else:
            data = self.transcoder.encode_event(cls, state)
        event = _new(StoredEvent)  # ``stored_event``, in line: one per event written
        fields = {"originator_id": originator_id, "originator_version": version, "topic": topic, "state": data}
        _set_state(event, "__dict__", fields)
        return event

    def to_domain_event(self, stored: StoredEvent) -> DomainEventProtocol[UUID]:
        cls, wanted = _event_class(stored.topic)
        try:
            state = self.transcoder.decode_event(cls, bytes(stored.state))
        except Exception as e:
            raise MapperDeserialisationError(
                f"Failed to deserialise state of stored event with topic '{stored.topic}', originator_id"
                f" '{stored.originator_id}' and originator_version {stored.originator_version}: {e}"
            ) from e
        originator_id = stored.originator_id
        if type(originator_id) is not UUID:  # a UUID is kept as it is (the library's convertor passes it through)
            originator_id = find_id_convertor(cls, cast(Hashable, type(originator_id)))(originator_id)
        state["originator_id"] = originator_id
        state["originator_version"] = stored.originator_version
        version = state.pop("class_version", 1)
        while version < wanted:
            getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
            version += 1
        event: DomainEventProtocol[UUID] = _new(cls)
        _set_state(event, "__dict__", state)
        return event


_new, _set_state = object.__new__, object.__setattr__


@functools.cache  # per event read: the library resolves the topic and finds the id's convertor each time
def _event_class(topic: str) -> tuple[type, int]:
    """The class a stored topic names, and its class version; its id convertor is checked once (the library's
    raises if the class says nothing of its ids' type)."""
    cls = resolve_topic(topic)
    find_id_convertor(cls, UUID)
    return cls, _class_version(cls)


@functools.cache  # per event written: the library's get_topic, and the class version
def _written_as(cls: type) -> tuple[str, int]:
    return get_topic(cls), _class_version(cls)


def stored_event(originator_id: UUID, originator_version: int, topic: str, state: bytes) -> StoredEvent:
    """``StoredEvent(...)``, equal to it in every way, at a third of the cost: the frozen dataclass's ``__init__``
    sets each field through ``object.__setattr__`` (a command builds one per event it writes or reads, issue 35)."""
    event = _new(StoredEvent)
    fields = event.__dict__
    fields["originator_id"] = originator_id
    fields["originator_version"] = originator_version
    fields["topic"] = topic
    fields["state"] = state
    return event


@functools.cache  # per event stored or read; getattr is slow where, as on most classes, the attribute is missing
def _class_version(cls: type) -> int:
    return getattr(cls, "class_version", 1)


def _decimal(o: Any) -> str:
    """orjson's fallback: the one type of ours it does not write natively."""
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(f"cannot store a {type(o).__qualname__} in an event")


def _to_json(o: Any) -> Any:
    if o is None or (isinstance(o, (bool, int, float, str)) and not isinstance(o, Enum)):
        return o
    if isinstance(o, dict):
        return {k: _to_json(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_to_json(v) for v in o]
    if isinstance(o, tuple):
        return {"_type_": "tuple", "_data_": [_to_json(v) for v in o]}
    if isinstance(o, UUID):
        return {"_type_": "uuid", "_data_": o.hex}
    if isinstance(o, Decimal):
        return {"_type_": "decimal", "_data_": str(o)}
    if isinstance(o, datetime):  # before date: datetime is a date
        return {"_type_": "datetime", "_data_": o.isoformat()}
    if isinstance(o, date):
        return {"_type_": "date", "_data_": o.isoformat()}
    if isinstance(o, Enum):
        return {"_type_": "enum", "_data_": [get_topic(type(o)), o.value]}
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        fields = {f.name: _to_json(getattr(o, f.name)) for f in dataclasses.fields(o)}
        return {"_type_": "value", "_data_": [get_topic(type(o)), fields]}
    raise TypeError(f"cannot store a {type(o).__qualname__} in an event")


@functools.cache  # a handful of value types, decoded millions of times in a catch-up (issue 8)
def _resolve(topic: str) -> Any:
    if not topic.startswith(_ALLOWED_TOPIC_PREFIXES):
        raise TypeError(f"refusing to rebuild {topic!r} from stored data")
    return resolve_topic(topic)


def _from_json(o: Any) -> Any:
    if isinstance(o, list):
        return [_from_json(v) for v in o]
    if not isinstance(o, dict):
        return o
    if len(o) == 2 and "_type_" in o and "_data_" in o:
        kind, data = o["_type_"], o["_data_"]
        if kind == "tuple":
            return tuple(_from_json(v) for v in data)
        if kind == "uuid":
            return UUID(data)
        if kind == "decimal":
            return Decimal(data)
        if kind == "datetime":
            return datetime.fromisoformat(data)
        if kind == "date":
            return date.fromisoformat(data)
        if kind == "enum":
            return _resolve(data[0])(data[1])
        if kind == "value":
            return _resolve(data[0])(**{k: _from_json(v) for k, v in data[1].items()})
        raise TypeError(f"unknown stored type {kind!r}")
    return {k: _from_json(v) for k, v in o.items()}
