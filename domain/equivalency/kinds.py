"""The equivalency context's kinds and statuses, apart from its aggregates so that every layer may name them."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.errors import violation
from domain.text import shown


class Status(StrEnum):
    INCOMPLETE = "INCOMPLETE"  # documents missing: the clock has not started
    IN_REVIEW = "IN_REVIEW"  # the file is complete: the team's working days run
    WAITING_FOR_APPLICANT = "WAITING_FOR_APPLICANT"  # more documents asked, or deferred (ditunda): paused
    EQUIVALENT = "EQUIVALENT"  # an SK of equivalency is issued
    REFUSED = "REFUSED"


class Escalation(StrEnum):
    """EQV-3: what the team may do when it cannot decide on the criteria."""

    MORE_DOCUMENTS = "MORE_DOCUMENTS"  # from the applicant: the clock pauses
    EXPERT = "EXPERT"
    PLENARY = "PLENARY"
    EXTERNAL = "EXTERNAL"


class Collector(StrEnum):
    APPLICANT = "APPLICANT"
    REPRESENTATIVE = "REPRESENTATIVE"  # with a power of attorney bearing a meterai


REGISTRATION = re.compile(r"PI-(\d{4})-(\d{6})", re.ASCII)
SK_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./ -]{0,78}[A-Za-z0-9]", re.ASCII)


def parse_registration_number(value: object) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not REGISTRATION.fullmatch(text):
        given = shown(value) if isinstance(value, str) else repr(value)
        raise violation("EQV-1", "registrationNumber", f"a registration number is PI-YYYY-NNNNNN; got {given}")
    return text


def parse_sk_number(value: object) -> str:
    """As given, but with its spaces collapsed; a claim compares it without case (``sk_key``)."""
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not SK_NUMBER.fullmatch(text):
        raise violation(
            "EQV-4.sk", "skNumber", "an SK number is 2 to 80 ASCII letters, digits, '.', '/', '-' or spaces"
        )
    return text


def sk_key(sk_number: str) -> str:
    """What makes two SK numbers the same one: "SK 1/2026" and "sk 1/2026" are."""
    return sk_number.upper()
