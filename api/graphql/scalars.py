"""Instants as every GraphQL endpoint answers them (issue 32, item 3): ISO 8601 with their offset, in Asia/Jakarta
(WIB, +07:00), the zone of every day and due time people read here. A client never meets a bare UTC instant in one
field and +07:00 in the next, nor a time without its offset; an input instant must say its offset too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from strawberry.schema.types.base_scalars import wrap_parser
from strawberry.types.scalar import ScalarDefinition, scalar

from domain.calendar import JAKARTA


def serialize(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        # A naive instant is a bug on our side: refused loudly rather than answered as if it were some zone.
        raise ValueError(f"an instant without its offset cannot be answered: {value.isoformat()}")
    return value.astimezone(JAKARTA).isoformat()


def parse(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give the offset, e.g. 2026-08-15T09:00:00+07:00 or ...Z")
    return value


DESCRIPTION = "An instant, ISO 8601 with its offset: answered in Asia/Jakarta (+07:00); asked with any offset."

DateTime: ScalarDefinition = scalar(
    name="DateTime",
    description=DESCRIPTION,
    serialize=serialize,
    parse_value=wrap_parser(parse, "DateTime"),
)

SCALARS: dict[object, Any] = {datetime: DateTime}


def instant(text: str | None) -> datetime | None:
    """A read model's stored instant (ISO text, ``Z`` or an offset), or None where it has none."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
