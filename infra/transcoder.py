"""orjson transcoding of event state: fast, and explicit about every non-JSON type it keeps."""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from infra.topics import register_moved_topics

# Only our own value types are rebuilt from stored topics: stored data never names arbitrary code.
_ALLOWED_TOPIC_PREFIXES = ("domain.",)

register_moved_topics()  # events stored before a class moved still load


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(_to_json(obj))

    def decode(self, data: bytes) -> Any:
        return _from_json(orjson.loads(data))


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
