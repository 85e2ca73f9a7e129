"""``myShares`` (issue 34): the signed-in holder's own shares and their uses; the holder is read from the token."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.connection import Connection, Slice, connection
from api.graphql.context import Context
from api.graphql.errors import NotAuthorized, RuleViolation, read_refusal
from api.graphql.sharing.types import Share
from domain.errors import DomainError
from domain.sharing.terms import Holder

SharesPage = Annotated[Connection[Share] | RuleViolation | NotAuthorized, strawberry.union("MySharesQueryResult")]
USES_SHOWN = 50


@strawberry.type
class SharingQuery:
    @strawberry.field(description="Your shares, the newest first, each with its latest uses (SHR-8).")
    async def my_shares(
        self, info: Info[Context, None], first: int = 100, after: str | None = None, position: int | None = None
    ) -> SharesPage:
        ctx = info.context
        try:
            holder = Holder.of(ctx.signed_in())
            page = Slice.parse(first, after)
        except DomainError as e:
            return read_refusal(e)
        sharing, now = ctx.services.sharing, ctx.services.diploma.sivil_public.clock()

        def read() -> Connection[Share]:
            rows = sharing.view.of_holder(holder.key, limit=page.limit, offset=page.offset)
            ids = [r.share_id for r in rows]
            counts, uses = sharing.uses.counts(ids), sharing.uses.of_shares(ids, USES_SHOWN)
            total = sharing.view.count(holder.key)
            return connection(page, rows, total, lambda r: Share.from_row(r, counts[r.share_id], uses[r.share_id], now))

        return await ctx.read("shares", position, read, application="shares")
