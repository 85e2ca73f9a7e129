"""The viewer (issue 32, item 1): the signed-in person, typed by role, and what they may see of their own.

Every viewer's scope comes from the token alone (its subject, its role, its institution): no argument names a
university, an LSP or a person, so no one can ask for another's. What each role reads is read from the same read
models and with the same rules as the context's own queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import strawberry

from api.graphql.connection import Connection, Slice, connection
from api.graphql.context import Context
from domain.audit import Actor, Role

RoleEnum = strawberry.enum(Role, name="Role", description="Who a token says its bearer is (docs/AUTHORIZATION.md)")

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_PAGE = 50  # several lists fit in one request under its 1,000-row budget


@strawberry.interface(description="The signed-in person: who the token names, and (per role) what is theirs to see.")
class Viewer:
    subject: str = strawberry.field(
        description="The token's subject: a NIM, a candidate number, an asesor number, an account or a staff id."
    )
    role: RoleEnum  # type: ignore[valid-type]
    institution: str | None = strawberry.field(description="The university's or the LSP's code; null: national.")
    actor: strawberry.Private[Actor]


async def paged(
    ctx: Context,
    page: Slice,
    rows: Callable[[Slice], Sequence[R]],
    total: Callable[[], int],
    node: Callable[[R], T],
) -> Connection[T]:
    """One page and the list's total, read together in one thread."""

    def read() -> Connection[T]:
        return connection(page, rows(page), total(), node)

    return await ctx.run(read)
