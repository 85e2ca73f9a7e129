"""The holder's share commands (issue 34): create, change, revoke one or all; the holder is the token's, always."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.commands import Accepted, CommandResult, accepted, known, run_command
from api.graphql.context import Context
from api.graphql.errors import Conflict, NotAuthorized, NotFound, RuleViolation, Unavailable
from api.graphql.sharing.types import ChangeShareInput, CreateShareInput, ShareCreated, SharesRevoked
from domain.sharing.terms import Fact

CreateShareResult = Annotated[
    ShareCreated | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("CreateShareResult"),
]
RevokeAllResult = Annotated[
    SharesRevoked | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("RevokeAllSharesResult"),
]


@strawberry.type
class SharingMutation:
    @strawberry.mutation(
        description="Share a verification of your own credential (SHR-1 .. SHR-6, SHR-11, SHR-12): a graduate "
        "their diploma, an asesi a certificate, an applicant an SK. "
        "Answers a link and a code, shown this once."
    )
    async def create_share(self, info: Info[Context, None], input: CreateShareInput) -> CreateShareResult:
        sharing = info.context.services.sharing.commands
        base = info.context.services.diploma.sivil_public.public_url

        def created(r):  # type: ignore[no-untyped-def]
            return ShareCreated(
                position=known(r.position),
                share_id=r.share_id,
                url=f"{base}/s/{r.link}",
                code=r.code,
                expires_at=r.expires_at,
            )

        return await run_command(
            info,
            lambda c: sharing.create_share(
                credential=input.credential,
                number=input.number,
                disclose=[Fact(f).value for f in input.disclose],
                label=input.label,
                expires_in_days=input.expires_in_days,
                max_views=input.max_views,
                cause=c,
            ),
            created,
        )

    @strawberry.mutation(description="New terms for one of your live shares (SHR-3 .. SHR-5, SHR-7).")
    async def change_share(self, info: Info[Context, None], input: ChangeShareInput) -> CommandResult:
        sharing = info.context.services.sharing.commands
        return await accepted(
            info,
            lambda c: sharing.change_share(
                share_id=input.share_id,
                label=input.label,
                expires_in_days=input.expires_in_days,
                max_views=input.max_views,
                cause=c,
            ),
        )

    @strawberry.mutation(description="End one of your shares now (SHR-7): its link and code open nothing after.")
    async def revoke_share(self, info: Info[Context, None], share_id: str) -> CommandResult:
        sharing = info.context.services.sharing.commands
        return await accepted(info, lambda c: sharing.revoke_share(share_id=share_id, cause=c))

    @strawberry.mutation(description="End every live share of yours at once (SHR-7).")
    async def revoke_all_shares(self, info: Info[Context, None]) -> RevokeAllResult:
        sharing = info.context.services.sharing.commands
        return await run_command(
            info,
            lambda c: sharing.revoke_all_shares(cause=c),
            lambda r: SharesRevoked(position=r.position, count=r.count),
        )


__all__ = ["Accepted", "SharingMutation"]
