"""The assessment context's forms as they arrive, parsed once into the domain's values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.assessment.evidence import EvidenceRecord, RulesOfEvidence
from domain.assessment.numbers import parse_number
from domain.assessment.standards import CompetencyUnit
from domain.errors import Collected, Failure, RuleViolation, violation
from domain.files import StoredFile, named_upload, parse_sha256
from domain.personal import PersonalData
from domain.registry.identity import parse_personal
from domain.text import NAME_CHARS, REMARK_CHARS, optional_text, parse_text


@dataclass(frozen=True)
class UnitInput:
    code: str
    title: str
    descriptor: str
    elements: Sequence[tuple[str, Sequence[str]]]
    range_statement: str
    evidence_guide: str

    def parse(self) -> CompetencyUnit:
        return CompetencyUnit.parse(
            code=self.code,
            title=self.title,
            descriptor=self.descriptor,
            elements=self.elements,
            range_statement=self.range_statement,
            evidence_guide=self.evidence_guide,
        )


def parse_units(given: Sequence[UnitInput]) -> list[CompetencyUnit]:
    """Every unit's failures together, each field named with its unit's place (``units[2].title``)."""
    units: list[CompetencyUnit] = []
    failures: list[Failure] = []
    for number, unit in enumerate(given, start=1):
        try:
            units.append(unit.parse())
        except RuleViolation as refused:
            failures.extend(Failure(f.rule_id, f"units[{number}].{f.field}", f.message) for f in refused.failures)
    if failures:
        raise RuleViolation(*failures)
    return units


@dataclass(frozen=True)
class EvidenceInput:
    unit_code: str
    element: int
    file: str  # the SHA-256 the upload answered
    description: str
    valid: bool
    authentic: bool
    current: bool
    sufficient: bool


def parse_evidence(
    given: EvidenceInput, asesor_number: str, stat: Callable[[str], StoredFile | None]
) -> EvidenceRecord:
    """ASM-4: evidence is a file in the content-addressed store, judged by the four rules of evidence."""
    collected = Collected()
    sha256 = collected.attempt(lambda: parse_sha256(given.file, "file", "ASM-4"))
    description = collected.attempt(
        lambda: parse_text(given.description, field="description", max_chars=REMARK_CHARS, rule_id="ASM-4")
    )
    unit_code = collected.attempt(lambda: parse_text(given.unit_code, field="unitCode", max_chars=60, rule_id="ASM-4"))
    collected.raise_any()
    assert sha256 and description and unit_code
    stored = named_upload(stat(sha256), "file")  # FILE.uploader: the asesor's own upload
    judged = RulesOfEvidence(given.valid, given.authentic, given.current, given.sufficient)
    return EvidenceRecord(unit_code.upper(), given.element, stored, description, judged, asesor_number)


@dataclass(frozen=True)
class CandidateInput:
    candidate_number: str
    full_name: str
    nik: str | None
    passport_number: str | None
    employer: str | None


def parse_candidate(given: CandidateInput, today: date) -> tuple[PersonalData, str | None]:
    """The candidate's identity (the holder of a certificate, ASM-7): a name and a NIK or passport number."""
    try:
        personal = parse_personal(
            full_name=given.full_name, nik=given.nik, passport_number=given.passport_number, today=today
        )
        employer = optional_text(given.employer, field="employer", max_chars=NAME_CHARS, rule_id="ASM-3")
    except RuleViolation as refused:
        raise RuleViolation(*(Failure("ASM-7.holder", f.field, f.message) for f in refused.failures)) from None
    if personal.nik is None and personal.passport_number is None:
        raise violation("ASM-7.holder", "nik", "a candidate is identified by a NIK or, for a foreigner, a passport")
    return personal, employer


def parse_reference(value: object, field: str, rule_id: str) -> str:
    """A document's number (SK, letter, minutes), kept as given."""
    return parse_text(value, field=field, max_chars=100, rule_id=rule_id)


def parse_numbers(given: Sequence[object], field: str, limit: int) -> list[str]:
    if not 1 <= len(given) <= limit:
        raise violation("ASM-7.number", field, f"1 to {limit} numbers; got {len(given)}")
    collected = Collected()
    numbers = [collected.attempt(lambda v=v: parse_number(v, field)) for v in given]  # type: ignore[misc]
    collected.raise_any()
    parsed = [n for n in numbers if n is not None]
    repeated = sorted(n for n, times in Counter(parsed).items() if times > 1)
    if repeated:
        raise violation("ASM-7.blangko", field, f"a number given twice: {', '.join(repeated[:5])}")
    return parsed
