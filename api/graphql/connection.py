"""Lists as connections (issue 32, item 3): ``edges { cursor node }``, ``pageInfo`` and ``totalCount``.

One generic type serves every list (``Connection[Student]`` is named ``StudentConnection`` in the schema; a list
with more to say subclasses it, as ``ReviewQueue`` does). A cursor is opaque to clients: it encodes the row's
position in the list's stable order, so ``after: endCursor`` reads the next page. ``first`` is 1 to ``MAX_PAGE``:
0 and 501 are refused alike, as the field's RuleViolation (API.page); only a request's total over its budget is
refused before resolving (api/graphql/cost.py).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from api.graphql.arguments import MAX_PAGE, PAGE_RULE
from domain.errors import Failure, RuleViolation

T = TypeVar("T")
R = TypeVar("R")

_PREFIX = "cursor:"  # a version mark: a cursor from elsewhere (or hand-made garbage) is refused, not misread
MAX_CURSOR = 64


@strawberry.type(description="Where a page stands in its list: cursors to ask for the next or the previous one.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Rows in the whole list, across its pages.")


def cursor_of(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode()


@dataclass(frozen=True)
class Slice:
    """A page as the read model asks for it: ``limit`` rows from ``offset``."""

    offset: int
    limit: int

    @classmethod
    def parse(cls, first: int, after: str | None) -> Slice:
        """``first`` rows after the row named by ``after``; a bad one is a RuleViolation (API.page)."""
        failures = []
        if not 1 <= first <= MAX_PAGE:
            failures.append(Failure(PAGE_RULE, "first", f"first is 1-{MAX_PAGE}; got {first}"))
        offset = 0
        if after is not None:
            position = _position(after)
            if position is None:
                failures.append(Failure(PAGE_RULE, "after", "after is a cursor this API returned"))
            else:
                offset = position + 1
        if failures:
            raise RuleViolation(*failures)
        return cls(offset=offset, limit=first)


def _position(cursor: str) -> int | None:
    if len(cursor) > MAX_CURSOR:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        return None
    digits = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not digits.isdigit() or not digits.isascii() or len(digits) > 12:
        return None
    position = int(digits)
    return position if cursor_of(position) == cursor else None  # one spelling per cursor: no lenient decoding


def connection(page: Slice, rows: Sequence[R], total: int, node: Callable[[R], T]) -> Connection[T]:
    """The page of ``rows`` (read with ``page``) out of ``total``, each row made a node."""
    edges = [Edge(cursor=cursor_of(page.offset + i), node=node(row)) for i, row in enumerate(rows)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.offset + len(rows) < total,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def whole(rows: Sequence[R], node: Callable[[R], T]) -> Connection[T]:
    """A short list read whole (a student's semesters, their submissions) in the same shape as a paged one."""
    return connection(Slice(offset=0, limit=max(len(rows), 1)), rows, len(rows), node)


def sliced(page: Slice, rows: Sequence[R], node: Callable[[R], T]) -> Connection[T]:
    """A page cut from a list a read model answers whole (a university's catalog, a student's submissions)."""
    return connection(page, rows[page.offset : page.offset + page.limit], len(rows), node)
