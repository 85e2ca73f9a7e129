"""What a student states about a certification: outcome, result, validity and evidence (SUB-3 .. SUB-6).

Each is parsed once, at the door, into a value that the submission's events keep as the inputs it decided on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.dates import years_after
from domain.errors import Failure, RuleViolation, violation
from domain.files import StoredFile
from domain.links import parse_link
from domain.text import shown


class Outcome(StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    PENDING = "PENDING"


class GradingType(StrEnum):
    LETTER = "LETTER"
    NUMERIC = "NUMERIC"


# Letter grades as certificates print them (decided): A to F with + or -, and E.
LETTER_GRADE = re.compile(r"[A-D][+-]?|E|F", re.ASCII)
MAX_SCALE = Decimal(10000)  # TOEFL iBT 120, IELTS 9, TOEIC 990, ITP 677: well inside
EVIDENCE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
# (decided) A certification issued before 1950 is a typing error (as PIN-0's earliest period), and one valid more
# than 30 years ahead too: a certification without expiry says so (``no_expiry``) rather than "until 9999".
EARLIEST_ISSUE = date(1950, 1, 1)
VALID_YEARS_AHEAD = 30


@dataclass(frozen=True)
class Result:
    """SUB-5: a letter grade for LETTER; a score within 0..scale for NUMERIC (at most two decimals)."""

    grading: GradingType
    grade: str | None = None
    score: Decimal | None = None
    scale: Decimal | None = None

    @classmethod
    def parse(cls, grading: GradingType, result: object, scale: object = None) -> Result:
        if not isinstance(result, str):
            raise violation("SUB-5", "result", "the result is required")
        text = result.strip()
        if grading is GradingType.LETTER:
            if scale is not None:
                raise violation("SUB-5", "scale", "a LETTER result has no scale")
            grade = text.upper()
            if not LETTER_GRADE.fullmatch(grade):
                raise violation(
                    "SUB-5", "result", f"a LETTER result is a grade A to F (with + or -); got {shown(text)}"
                )
            return cls(grading, grade=grade)
        score = _decimal(text, "result")
        top = _decimal(scale, "scale") if scale is not None else Decimal(100)
        if not 0 < top <= MAX_SCALE:
            raise violation("SUB-5", "scale", f"the scale is above 0 and at most {MAX_SCALE}; got {top}")
        if not 0 <= score <= top:
            raise violation("SUB-5", "result", f"a NUMERIC result is within 0..{top}; got {score}")
        return cls(grading, score=score, scale=top)

    def __str__(self) -> str:
        return self.grade if self.grade is not None else f"{self.score}/{self.scale}"


def _decimal(value: object, field: str) -> Decimal:
    text = value if isinstance(value, str) else str(value) if isinstance(value, (int, Decimal)) else None
    if text is None or not re.fullmatch(r"[0-9]{1,5}(\.[0-9]{1,2})?", text.strip(), re.ASCII):
        raise violation("SUB-5", field, f"a NUMERIC {field} is a number with at most two decimals; got {value!r:.40}")
    return Decimal(text.strip())  # the pattern admits only plain decimals, so this cannot fail


@dataclass(frozen=True)
class Validity:
    """SUB-4: a valid-thru date, or explicitly none (a certification without expiry)."""

    issued_on: date
    valid_thru: date | None  # None only with no_expiry

    @classmethod
    def parse(cls, *, issued_on: date, valid_thru: date | None, no_expiry: bool, today: date) -> Validity:
        failures: list[Failure] = []
        if issued_on > today:
            failures.append(Failure("SUB-3", "issuedOn", f"the certification is issued on {issued_on}, after today"))
        elif issued_on < EARLIEST_ISSUE:
            failures.append(Failure("SUB-3", "issuedOn", f"issuedOn is a day from {EARLIEST_ISSUE}; got {issued_on}"))
        latest = years_after(today, VALID_YEARS_AHEAD)
        if no_expiry and valid_thru is not None:
            failures.append(Failure("SUB-4", "validThru", "give a valid-thru date or say it has no expiry, not both"))
        elif not no_expiry and valid_thru is None:
            failures.append(
                Failure("SUB-4", "validThru", "give the valid-thru date, or say explicitly that it has no expiry")
            )
        elif valid_thru is not None and valid_thru < issued_on:
            failures.append(Failure("SUB-4", "validThru", f"valid thru {valid_thru} is before it was issued"))
        elif valid_thru is not None and valid_thru > latest:
            failures.append(Failure("SUB-4", "validThru", f"validThru is a day until {latest}; got {valid_thru}"))
        if failures:
            raise RuleViolation(*failures)
        return cls(issued_on, valid_thru)

    def check_valid_on(self, day: date) -> None:
        """SUB-4: still valid on the day it is submitted; the valid-thru day itself still counts."""
        if self.valid_thru is not None and self.valid_thru < day:
            raise violation("SUB-4", "validThru", f"the certification expired on {self.valid_thru}; today is {day}")


def check_passed(outcome: Outcome) -> None:
    """SUB-3: only a passed certification is registered."""
    if outcome is not Outcome.PASSED:
        raise violation("SUB-3", "outcome", f"only a passed certification can be submitted; this one is {outcome}")


@dataclass(frozen=True)
class UrlEvidence:
    """SUB-6: a link to the certificate at its issuer (a verification page)."""

    url: str


Evidence = StoredFile | UrlEvidence  # SUB-6: an uploaded file (outside the events) or a link


def parse_url(value: object) -> UrlEvidence:
    """SUB-6: a link parsed as a URL and stored in its normal form (``domain.links``)."""
    return UrlEvidence(parse_link(value, field="evidenceUrl", rule_id="SUB-6"))


def parse_evidence(*, file: StoredFile | None, url: object) -> Evidence:
    """SUB-6: exactly one of a stored file (looked up by the caller) and a URL."""
    if file is not None and url is not None:
        raise violation("SUB-6", "evidence", "give either an evidence file or a URL, not both")
    if file is not None:
        if file.media_type not in EVIDENCE_TYPES:
            raise violation(
                "SUB-6", "evidenceFile", f"evidence is a PDF, PNG or JPEG file; this one is {file.media_type}"
            )
        return file
    if url is None:
        raise violation("SUB-6", "evidence", "an evidence file or a URL is required")
    return parse_url(url)
