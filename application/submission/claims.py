"""A submission's claim as it arrives (``ClaimInput``), parsed once into the domain's values (SUB-3 .. SUB-6).

Every field is checked and every failure reported together, so a student fixes the form in one go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from domain.errors import Collected
from domain.files import StoredFile, named_upload, parse_sha256
from domain.submission.claim import Evidence, GradingType, Outcome, Result, Validity, parse_evidence
from domain.submission.entry import CatalogRef
from domain.submission.submission import Claim


@dataclass(frozen=True)
class ClaimInput:
    outcome: Outcome
    grading: GradingType
    result: str
    scale: str | None
    issued_on: date
    valid_thru: date | None
    no_expiry: bool
    evidence_file: str | None  # the SHA-256 the upload answered
    evidence_url: str | None


def parse_claim(given: ClaimInput, catalog: CatalogRef, today: date, stat: Callable[[str], StoredFile | None]) -> Claim:
    collected = Collected()
    attempt = collected.attempt
    result = attempt(lambda: Result.parse(given.grading, given.result, given.scale))
    validity = attempt(
        lambda: Validity.parse(
            issued_on=given.issued_on, valid_thru=given.valid_thru, no_expiry=given.no_expiry, today=today
        )
    )
    evidence = attempt(lambda: _evidence(given, stat))
    collected.raise_any()
    assert result is not None and validity is not None and evidence is not None
    return Claim(catalog=catalog, outcome=given.outcome, result=result, validity=validity, evidence=evidence)


def _evidence(given: ClaimInput, stat: Callable[[str], StoredFile | None]) -> Evidence:
    stored = None
    if given.evidence_file is not None:
        sha256 = parse_sha256(given.evidence_file, "evidenceFile", "SUB-6")
        stored = named_upload(stat(sha256), "evidenceFile")  # FILE.uploader: the student's own upload
    return parse_evidence(file=stored, url=given.evidence_url)
