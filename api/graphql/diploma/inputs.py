"""The diploma commands' inputs and successes (PIN-1, PIN-2, PIN-3, PIN-5)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.enums import DiplomaStatusEnum
from api.graphql.errors import Conflict, NotAuthorized, NotFound, RuleViolation, Unavailable


@strawberry.type
class NinaAccepted:
    position: int
    nina: str


NinaResult = Annotated[
    NinaAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable, strawberry.union("NinaResult")
]


@strawberry.type
class AnnulmentAccepted:
    """An annulment command was applied (PIN-5); ``status`` is the diploma's status after it."""

    position: int
    nina: str
    status: DiplomaStatusEnum  # type: ignore[valid-type]


AnnulmentResult = Annotated[
    AnnulmentAccepted | RuleViolation | NotAuthorized | Conflict | NotFound | Unavailable,
    strawberry.union("AnnulmentResult"),
]


@strawberry.input
class ReserveNinaInput:
    university_code: str
    nim: str


@strawberry.input
class PairNinaInput:
    university_code: str
    nim: str
    nina: str


@strawberry.input
class AnnulNinaInput:
    university_code: str
    nim: str
    reason: str | None = strawberry.field(default=None, description="Required (PIN-5.reason); staff only.")
    legal_basis: str | None = strawberry.field(
        default=None, description="Required (PIN-5.legal_basis): the decree or article applied."
    )


@strawberry.input
class ProposeAnnulmentInput:
    university_code: str
    nim: str
    reason: str | None = strawberry.field(default=None, description="Required (PIN-5.reason): what was in error.")


@strawberry.input
class DecideAnnulmentInput:
    university_code: str
    nim: str
    accept: bool
    remark: str | None = strawberry.field(default=None, description="Required to reject (PIN-5.remark).")
