"""The diploma context's mutations: NINA reservation and pairing, and annulment (PIN-1..PIN-5)."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.types import Info

from api.graphql.commands import known, run_command
from api.graphql.context import Context
from api.graphql.diploma.inputs import (
    AnnulmentAccepted,
    AnnulmentResult,
    AnnulNinaInput,
    DecideAnnulmentInput,
    NinaAccepted,
    NinaResult,
    PairNinaInput,
    ProposeAnnulmentInput,
    ReserveNinaInput,
)
from api.graphql.errors import Refusal
from application.diploma.receipt import NinaReceipt
from domain.audit import Cause
from domain.diploma.status import DiplomaStatus

NinaCommand = Callable[[Cause], NinaReceipt]


async def _nina(info: Info[Context, None], command: NinaCommand) -> NinaAccepted | Refusal:
    return await run_command(info, command, lambda r: NinaAccepted(position=known(r.position), nina=r.nina))


async def _annulment(info: Info[Context, None], command: NinaCommand) -> AnnulmentAccepted | Refusal:
    return await run_command(
        info,
        command,
        lambda r: AnnulmentAccepted(position=known(r.position), nina=r.nina, status=DiplomaStatus(r.status)),
    )


@strawberry.type
class DiplomaMutation:
    @strawberry.mutation(description="Reserve (pesan) a NINA for a student (PIN-1, PIN-2, PIN-8).")
    async def reserve_nina(self, info: Info[Context, None], input: ReserveNinaInput) -> NinaResult:
        app = info.context.services.diploma.commands
        return await _nina(
            info, lambda c: app.reserve_nina(university_code=input.university_code, nim=input.nim, cause=c)
        )

    @strawberry.mutation(
        description="Pair (pasang) the reserved NINA with the graduate's NIM (PIN-3); SIVIL follows (PIN-4)."
    )
    async def pair_nina(self, info: Info[Context, None], input: PairNinaInput) -> NinaResult:
        app = info.context.services.diploma.commands
        return await _nina(
            info,
            lambda c: app.pair_nina(university_code=input.university_code, nim=input.nim, nina=input.nina, cause=c),
        )

    @strawberry.mutation(
        description="Annul a NINA (pembatalan, PIN-5): the Director General, with a reason and a legal basis. "
        "The diploma becomes VOID from the start; SIVIL shows the status and date, never the reason."
    )
    async def annul_nina(self, info: Info[Context, None], input: AnnulNinaInput) -> AnnulmentResult:
        app = info.context.services.diploma.commands
        return await _annulment(
            info,
            lambda c: app.annul_nina(
                university_code=input.university_code,
                nim=input.nim,
                reason=input.reason,
                legal_basis=input.legal_basis,
                cause=c,
            ),
        )

    @strawberry.mutation(
        description="Propose annulment (usulan pembatalan, PIN-5) of the university's own NINA reserved or paired "
        "in error: its leader, with a reason. The Director General decides."
    )
    async def propose_annulment(self, info: Info[Context, None], input: ProposeAnnulmentInput) -> AnnulmentResult:
        app = info.context.services.diploma.commands
        return await _annulment(
            info,
            lambda c: app.propose_annulment(
                university_code=input.university_code, nim=input.nim, reason=input.reason, cause=c
            ),
        )

    @strawberry.mutation(
        description="Decide an open annulment proposal (PIN-5): accepted, the NINA is CANCELLED_IN_ERROR; "
        "rejected, a remark is required."
    )
    async def decide_annulment(self, info: Info[Context, None], input: DecideAnnulmentInput) -> AnnulmentResult:
        app = info.context.services.diploma.commands
        return await _annulment(
            info,
            lambda c: app.decide_annulment_proposal(
                university_code=input.university_code,
                nim=input.nim,
                accept=input.accept,
                remark=input.remark,
                cause=c,
            ),
        )
