"""A run of one ``INSERT ... VALUES (...)`` as one statement (issue 35): PostgreSQL parses, plans and executes one
statement for many rows instead of one per row, as a pipelined ``executemany`` still does. The rows go as one JSON
parameter, written by orjson, ``INSERT INTO t (a, b) SELECT "u", "n" FROM json_to_recordset(%s::json) AS r("u" text,
"n" bigint)``: psycopg parses the text once, the server may prepare it, and no value is converted in Python.

Only ``INSERT INTO t (columns) VALUES (:a, :b, ...)`` with a bare parameter per column is merged, optionally with
``ON CONFLICT (key) DO NOTHING | DO UPDATE`` that has no parameter of its own; anything else is left to
``executemany``. A statement may not touch a row twice, nor depend on the order of its rows: a run is cut before
a row whose conflict key an earlier row of the same statement has, so the rows land exactly as one statement
each would leave them.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

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


def statements(found: Shape, types: dict[str, str], rows: Sequence[Params]) -> list[tuple[str, bytes]]:
    """The statements inserting ``rows``, each with its rows as JSON; a value JSON cannot hold raises TypeError
    before any is sent."""
    return list(_statements(found, types, rows))


_PLAIN = frozenset({str, int, type(None)})  # what JSON gives PostgreSQL exactly as psycopg's own adaptation does


def _statements(found: Shape, types: dict[str, str], rows: Sequence[Params]) -> Iterator[tuple[str, bytes]]:
    if not all(type(row[n]) in _PLAIN for row in rows for n in found.names):
        raise TypeError("a value other than text, an integer or NULL: one statement each")
    record = ", ".join(f"{_quoted(n)} {types[c]}" for n, c in zip(found.names, found.columns, strict=True))
    text = (
        f"INSERT INTO {found.table} ({', '.join(found.columns)})"
        f" SELECT {', '.join(f'r.{_quoted(n)}' for n in found.names)} FROM json_to_recordset(%s::json) AS r({record})"
        + found.tail.replace("%", "%%")
    )
    if not found.key:
        yield text, orjson.dumps(rows)
        return
    key = operator.itemgetter(*found.key)
    start, seen = 0, set[Any]()
    for i, row in enumerate(rows):
        k = key(row)
        if k in seen:
            yield text, orjson.dumps(rows[start:i])
            start, seen = i, set()
        seen.add(k)
    yield text, orjson.dumps(rows[start:])


def _quoted(name: str) -> str:
    return f'"{name}"'


def _names(text: str) -> tuple[str, ...]:
    return tuple(c.strip().lower() for c in text.split(","))
