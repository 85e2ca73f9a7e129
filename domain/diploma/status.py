"""Where a diploma's NINA stands (PIN-2, PIN-3, PIN-5): readable without the aggregate, e.g. as a query filter."""

from __future__ import annotations

from enum import StrEnum

from domain.diploma.annulment import AnnulmentKind


class DiplomaStatus(StrEnum):
    RESERVED = "RESERVED"
    PAIRED = "PAIRED"
    VOID = AnnulmentKind.VOID.value  # annulled by the Director General (PIN-5)
    CANCELLED_IN_ERROR = AnnulmentKind.CANCELLED_IN_ERROR.value  # annulled on the university's proposal (PIN-5)


ANNULLED = frozenset({DiplomaStatus.VOID, DiplomaStatus.CANCELLED_IN_ERROR})


class PublicStatus(StrEnum):
    """What SIVIL shows of a paired NINA (PIN-4, PIN-5): valid, or the kind of its annulment."""

    VALID = "VALID"
    VOID = AnnulmentKind.VOID.value
    CANCELLED_IN_ERROR = AnnulmentKind.CANCELLED_IN_ERROR.value


class StatusOnDay(StrEnum):
    """What SIVIL answers for a past day (PIN-5): the public status then, or NOT_YET_RECORDED before the pairing."""

    VALID = PublicStatus.VALID.value
    VOID = PublicStatus.VOID.value
    CANCELLED_IN_ERROR = PublicStatus.CANCELLED_IN_ERROR.value
    NOT_YET_RECORDED = "NOT_YET_RECORDED"


class ProposalStatus(StrEnum):
    """Where a university's annulment proposal stands (PIN-5), as the university's register shows it."""

    OPEN = "OPEN"
    REJECTED = "REJECTED"
    ACCEPTED = "ACCEPTED"
    SUPERSEDED = "SUPERSEDED"  # the Director General annulled on their own motion while it was open
