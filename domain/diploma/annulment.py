"""Pembatalan NINA (PIN-5): the kinds of annulment a verifier must tell apart, and the pure checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.audit import Cause
from domain.errors import Failure


class AnnulmentKind(StrEnum):
    """What an annulled NINA means to someone who verifies the diploma (PIN-5, PIN-6)."""

    # The Director General found the learning process or the reporting non-compliant: the diploma
    # never was valid, so a verifier asking about any earlier day must be told so.
    VOID = "VOID"
    # On the university leader's proposal: the reservation or pairing was a mistake (wrong student,
    # wrong programme, a duplicate). The graduate may hold a valid diploma under another NINA.
    CANCELLED_IN_ERROR = "CANCELLED_IN_ERROR"


# Rules applied by each kind of annulment; recorded in its event (what every decision carries).
DIRECTOR_GENERAL_RULES = ("PIN-5.reason", "PIN-5.legal_basis")
PROPOSAL_RULES = ("PIN-5.proposal",)


@dataclass(frozen=True)
class AnnulmentProposal:
    """Usulan pembatalan: a university leader's proposal, open until the Director General decides it."""

    reason: str
    proposed_on: date
    cause: Cause


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


def required(text: str | None, rule_id: str, field: str, message: str) -> list[Failure]:
    return [Failure(rule_id, field, message)] if blank(text) else []
