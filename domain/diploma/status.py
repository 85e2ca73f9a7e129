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
