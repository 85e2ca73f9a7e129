"""A run of one ``INSERT ... VALUES (...)`` as one statement (issue 35): PostgreSQL parses, plans and executes one
statement for many rows instead of one per row, as a pipelined ``executemany`` still does. The rows go as one JSON
parameter, written by orjson, ``INSERT INTO t (a, b) SELECT "u", "n" FROM json_to_recordset(%s::json) AS r("u" text,
"n" bigint)``: psycopg parses the text once, the server may prepare it, and no value is converted in Python.

Only ``INSERT INTO t (columns) VALUES (:a, :b, ...)`` with a bare parameter per column is merged, optionally with
``ON CONFLICT (key) DO NOTHING | DO UPDATE`` that has no parameter of its own; and ``UPDATE t SET c = :c, ...
WHERE k = :k AND ...`` with a bare parameter per column, sent as ``UPDATE t SET c = r."c" FROM
json_to_recordset(...) AS r(...) WHERE t.k = r."k"`` (a read model that updates row by row: a student's
graduation); anything else is left to ``executemany``. A statement may not touch a row twice, nor depend on the
order of its rows: a run is cut before a row whose conflict key (an UPDATE: its WHERE's parameters) an earlier
row of the same statement has, so the rows land exactly as one statement each would leave them.
"""

from __future__ import annotations

import functools
import itertools
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
_UPDATE = re.compile(r"\s*UPDATE\s+(\w+)\s+SET\s+(.+?)\s+WHERE\s+(.+?)\s*", re.IGNORECASE | re.DOTALL)
_ASSIGNED = re.compile(r"\s*(\w+)\s*=\s*:([A-Za-z_]\w*)\s*")  # ``column = :parameter``, nothing else
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)
_ROWS = "_rows"  # the alias of an UPDATE's rows (a read model's table is never named so)


@dataclass(frozen=True)
class Shape:
    table: str
    columns: tuple[str, ...]
    names: tuple[str, ...]  # the parameter each column takes
    tail: str  # " ON CONFLICT ...", or ""
    key: tuple[str, ...]  # the parameters of the conflict key (an UPDATE: of its WHERE); () without ON CONFLICT
    where: tuple[str, ...] = ()  # an UPDATE's: the columns it matches, ``key`` their parameters; () for an INSERT

    @property
    def typed(self) -> tuple[str, ...]:
        """The table's columns whose types the rows are read with."""
        return self.columns + self.where

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters a row gives, in the order of ``typed``."""
        return self.names + self.key if self.where else self.names


@functools.lru_cache(maxsize=256)
def shape(sql: str) -> Shape | None:
    """What a plain ``INSERT ... VALUES`` inserts (or a plain ``UPDATE`` sets), or None for any other statement."""
    found = _INSERT.match(sql)
    if found is None:
        return _update(sql)
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


def _update(sql: str) -> Shape | None:
    found = _UPDATE.fullmatch(sql)
    if found is None or found.group(1).lower() == _ROWS:
        return None
    assigned = [_ASSIGNED.fullmatch(part) for part in found.group(2).split(",")]
    matched = [_ASSIGNED.fullmatch(part) for part in _AND.split(found.group(3))]
    if not all(assigned) or not all(matched):
        return None  # an expression, a constant, OR, a subquery: one statement each
    columns = tuple(a.group(1).lower() for a in assigned if a)
    where = tuple(m.group(1).lower() for m in matched if m)
    names = tuple(a.group(2) for a in assigned if a) + tuple(m.group(2) for m in matched if m)
    if set(columns) & set(where) or len(set(names)) != len(names) or len(set(columns)) != len(columns):
        return None  # a row's match would depend on an earlier row's update; a parameter twice
    return Shape(found.group(1), columns, names[: len(columns)], "", names[len(columns) :], where)


OPTIMISTIC = 100  # rows: a run at least this long (a catch-up's) is first sent without its conflict clause


def without_conflict(found: Shape, text: str) -> str | None:
    """``text`` (one of ``statements``) without its ON CONFLICT clause, or None when it has none. A long run is first
    tried as a plain INSERT in a savepoint, and only on a clash sent with its clause: checking each row's key before
    inserting it cost a third of a catch-up's largest insert (issue 35), while a cold catch-up's rows are all new."""
    if found.where or not found.tail.strip():
        return None
    return text.removesuffix(found.tail.replace("%", "%%"))


def statements(found: Shape, types: dict[str, str], rows: Sequence[Params]) -> list[tuple[str, bytes]]:
    """The statements inserting ``rows``, each with its rows as JSON; a value JSON cannot hold raises TypeError
    before any is sent."""
    return list(_statements(found, types, rows))


_PLAIN = frozenset({str, int, type(None)})  # what JSON gives PostgreSQL exactly as psycopg's own adaptation does


def _statements(found: Shape, types: dict[str, str], rows: Sequence[Params]) -> Iterator[tuple[str, bytes]]:
    if not _plain(found.parameters, rows):
        raise TypeError("a value other than text, an integer or NULL: one statement each")
    if found.where:
        text = _update_text(found, types)
    else:
        record = ", ".join(f"{_quoted(n)} {types[c]}" for n, c in zip(found.names, found.columns, strict=True))
        text = (
            f"INSERT INTO {found.table} ({', '.join(found.columns)})"
            f" SELECT {', '.join(f'r.{_quoted(n)}' for n in found.names)} FROM json_to_recordset(%s::json)"
            f" AS r({record})" + found.tail.replace("%", "%%")
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


def _plain(names: tuple[str, ...], rows: Sequence[Params]) -> bool:
    """Whether every value is text, an integer or NULL: the types of the values gathered in C, not per value."""
    values = operator.itemgetter(*names)
    found = map(values, rows) if len(names) == 1 else itertools.chain.from_iterable(map(values, rows))
    return set(map(type, found)) <= _PLAIN


def _update_text(found: Shape, types: dict[str, str]) -> str:
    record = ", ".join(f"{_quoted(n)} {types[c]}" for n, c in zip(found.parameters, found.typed, strict=True))
    assigned = ", ".join(f"{c} = {_ROWS}.{_quoted(n)}" for c, n in zip(found.columns, found.names, strict=True))
    matched = " AND ".join(
        f"{found.table}.{c} = {_ROWS}.{_quoted(n)}" for c, n in zip(found.where, found.key, strict=True)
    )
    return f"UPDATE {found.table} SET {assigned} FROM json_to_recordset(%s::json) AS {_ROWS}({record}) WHERE {matched}"


def _quoted(name: str) -> str:
    return f'"{name}"'


def _names(text: str) -> tuple[str, ...]:
    return tuple(c.strip().lower() for c in text.split(","))
