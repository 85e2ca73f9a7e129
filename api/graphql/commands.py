"""What every context's mutations share: running a command as the caller, and the plain success."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.errors import Conflict, NotAuthorized, NotFound, Refusal, RuleViolation, Unavailable, refusal
from api.unavailable import TEMPORARY, noted
from application.receipt import Receipt
from domain.audit import Cause
from domain.errors import DomainError

R = TypeVar("R", bound=Receipt)
T = TypeVar("T")


@strawberry.type
class Accepted:
    """The command was applied; ``position`` is null when it changed nothing (an identical repeat)."""

    position: int | None
    changed: bool


CommandResult = Annotated[
    Accepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable, strawberry.union("CommandResult")
]


async def run_command(
    info: Info[Context, None], command: Callable[[Cause], R], success: Callable[[R], T]
) -> T | Refusal:
    """Runs a command as the caller; a refusal becomes a union member and nothing was appended."""
    ctx = info.context
    try:
        cause = ctx.cause()
        receipt = await ctx.run(lambda: command(cause))
    except DomainError as e:
        return refusal(e)
    except TEMPORARY as e:  # the recorder's retries and the read stores' retry are spent
        noted(e)
        return Unavailable.now()
    return success(receipt)


async def accepted(info: Info[Context, None], command: Callable[[Cause], Receipt]) -> Accepted | Refusal:
    return await run_command(info, command, lambda r: Accepted(position=r.position, changed=r.changed))


def known(position: int | None) -> int:
    assert position is not None, "a command that changed something has a position"
    return position
