"""A run of one ``INSERT ... VALUES (...)`` as one statement over arrays (issue 35): PostgreSQL parses, plans and
executes one statement for many rows, ``INSERT INTO t (a, b) SELECT * FROM unnest(%s::text[], %s::bigint[])``,
instead of one per row as a pipelined ``executemany`` still does. Its text has a parameter per column, not per
value, so psycopg parses it once and the server may prepare it.

Only ``INSERT INTO t (columns) VALUES (:a, :b, ...)`` with a bare parameter per column is merged, optionally with
``ON CONFLICT (key) DO NOTHING | DO UPDATE`` that has no parameter of its own; anything else is left to
``executemany``. A statement may not touch a row twice, nor depend on the order of its rows: a run is cut before
a row whose conflict key an earlier row of the same statement has, so the rows land exactly as one statement
each would leave them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from projections.store import Params

NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+(\w+)\s*\(([^()]*)\)\s*VALUES\s*\(([^()']*)\)", re.IGNORECASE)
_CONFLICT = re.compile(r"\s*ON\s+CONFLICT\s*\(([^()]*)\)\s*DO\s+(?:NOTHING|UPDATE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Shape:
    table: str
    columns: tuple[str, ...]
    names: tuple[str, ...]  # the parameter each column takes
    tail: str  # " ON CONFLICT ...", or ""
    key: tuple[str, ...]  # the parameters of the conflict key; () without ON CONFLICT


@functools.lru_cache(maxsize=256)
def shape(sql: str) -> Shape | None:
    """What a plain ``INSERT ... VALUES`` inserts, or None for any other statement."""
    found = _INSERT.match(sql)
    if found is None:
        return None
    table, columns, values = found.group(1), _names(found.group(2)), [v.strip() for v in found.group(3).split(",")]
    bare = [NAMED.fullmatch(v) for v in values]
    if len(values) != len(columns) or not all(bare):
        return None  # an expression, a constant: one statement each
    names = tuple(b.group(1) for b in bare if b)
    tail = sql[found.end() :]
    conflict = _CONFLICT.match(tail)
    if NAMED.search(tail) or "'" in tail or (tail.strip() and conflict is None):
        return None  # parameters after VALUES (DO UPDATE SET x = :x), RETURNING, a conflict without a key
    given = dict(zip(columns, names, strict=True))
    key = tuple(given.get(c, "") for c in _names(conflict.group(1))) if conflict else ()
    if not all(key):
        return None  # a conflict on a column the statement does not set
    return Shape(table=table, columns=columns, names=names, tail=tail, key=key)


def statements(found: Shape, types: dict[str, str], rows: Sequence[Params]) -> Iterator[tuple[str, list[list[Any]]]]:
    """The statements inserting ``rows``, each with a list of values per column."""
    casts = ", ".join(f"%s::{types[c]}[]" for c in found.columns)
    text = f"INSERT INTO {found.table} ({', '.join(found.columns)}) SELECT * FROM unnest({casts})" + found.tail.replace(
        "%", "%%"
    )
    part: list[Params] = []
    keys: set[tuple[Any, ...]] = set()
    for row in rows:
        key = tuple(row[n] for n in found.key)
        if found.key and key in keys:
            yield text, _columns(found, part)
            part, keys = [], set()
        part.append(row)
        keys.add(key)
    if part:
        yield text, _columns(found, part)


def _columns(found: Shape, rows: list[Params]) -> list[list[Any]]:
    return [[row[n] for row in rows] for n in found.names]


def _names(text: str) -> tuple[str, ...]:
    return tuple(c.strip().lower() for c in text.split(","))
