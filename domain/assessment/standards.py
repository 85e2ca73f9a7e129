"""Competency standards (ASM-1): units in the ILO RMCS format, and a skema as a versioned set of units.

RMCS (seed 001): the unit's code and title, its descriptor, elements with performance criteria (kriteria unjuk
kerja), the range statement (batasan variabel) and the evidence guide (panduan penilaian).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause
from domain.errors import Collected, violation
from domain.text import NAME_CHARS, REMARK_CHARS, canonical_code, parse_text

Parsed = tuple[str | None, list[str | None]]  # an element's title and criteria, None where one was refused

# SKKNI codes look like J.620100.004.02; other standards use other ASCII codes: letters and digits in dot-separated
# parts (decided).
UNIT_CODE = re.compile(r"[A-Z0-9]{1,12}(\.[A-Z0-9]{1,12}){0,5}", re.ASCII)
SKEMA_CODE = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,39}", re.ASCII)
MAX_ELEMENTS, MAX_CRITERIA, MAX_UNITS = 30, 30, 100
# A technical requirement or a TUK's facility, named by a code the LSP sets (e.g. VIDEO_CONFERENCE, PROCTORING).
FACILITY_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,39}", re.ASCII)
MAX_FACILITIES = 30


def parse_facilities(given: Sequence[object], field: str, rule_id: str) -> frozenset[str]:
    if len(given) > MAX_FACILITIES:
        raise violation(rule_id, field, f"at most {MAX_FACILITIES} codes")
    return frozenset(
        parse_code(v, FACILITY_CODE, field, "a facility is an ASCII code such as VIDEO_CONFERENCE", rule_id)
        for v in given
    )


def parse_code(value: object, pattern: re.Pattern[str], field: str, form: str, rule_id: str = "ASM-1") -> str:
    """An ASCII code of the context in its canonical form (``canonical_code``), in its pattern."""
    return canonical_code(value, field=field, rule_id=rule_id, form=form, pattern=pattern)


@dataclass(frozen=True)
class Element:
    """Elemen kompetensi with its kriteria unjuk kerja (at least one)."""

    title: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class CompetencyUnit:
    code: str
    title: str
    descriptor: str
    elements: tuple[Element, ...]
    range_statement: str
    evidence_guide: str

    @classmethod
    def parse(
        cls,
        *,
        code: object,
        title: object,
        descriptor: object,
        elements: Sequence[tuple[object, Sequence[object]]],
        range_statement: object,
        evidence_guide: object,
    ) -> CompetencyUnit:
        """ASM-1: every RMCS part present; every failure reported together."""
        collected = Collected()
        attempt = collected.attempt

        def long(value: object, field: str) -> Callable[[], str]:
            return lambda: parse_text(value, field=field, max_chars=REMARK_CHARS, rule_id="ASM-1", multiline=True)

        unit_code = attempt(lambda: parse_code(code, UNIT_CODE, "code", "a unit code is ASCII parts joined by dots"))
        unit_title = attempt(lambda: parse_text(title, field="title", max_chars=NAME_CHARS, rule_id="ASM-1"))
        parsed = _elements(elements, collected)
        texts = [attempt(long(v, f)) for v, f in ((descriptor, "descriptor"), (range_statement, "rangeStatement"))]
        guide = attempt(long(evidence_guide, "evidenceGuide"))
        collected.raise_any()
        parsed_elements = tuple(Element(str(name), tuple(str(k) for k in kuk)) for name, kuk in parsed)
        assert unit_code and unit_title and texts[0] and texts[1] and guide
        return cls(unit_code, unit_title, texts[0], parsed_elements, texts[1], guide)


def _elements(given: Sequence[tuple[object, Sequence[object]]], collected: Collected) -> list[Parsed]:
    """Each element's title and criteria as parsed (None where one failed: ``collected`` then refuses the unit)."""
    if not 1 <= len(given) <= MAX_ELEMENTS:
        collected.attempt(lambda: _refuse("elements", f"a unit has 1 to {MAX_ELEMENTS} elements; got {len(given)}"))
        return []
    elements: list[Parsed] = []
    for number, (title, criteria) in enumerate(given, start=1):
        field = f"elements[{number}]"
        name = collected.attempt(partial(_text, title, field, NAME_CHARS))
        if not 1 <= len(criteria) <= MAX_CRITERIA:
            collected.attempt(partial(_refuse, field, f"an element has 1 to {MAX_CRITERIA} performance criteria"))
            continue
        kuk = [collected.attempt(partial(_text, c, field, REMARK_CHARS)) for c in criteria]
        elements.append((name, kuk))
    return elements


def _text(value: object, field: str, limit: int) -> str:
    return parse_text(value, field=field, max_chars=limit, rule_id="ASM-1")


def _refuse(field: str, message: str) -> None:
    raise violation("ASM-1", field, message)


class Skema(Aggregate):
    """Skema sertifikasi: a set of competency units; each change is a new version, and an assessment keeps the
    version it was opened under."""

    class Published(Aggregate.Created):
        code: str
        title: str
        units: tuple[CompetencyUnit, ...]
        cause: Cause

    class Revised(Aggregate.Event):
        code: str
        skema_version: int
        units: tuple[CompetencyUnit, ...]
        cause: Cause

    class RemoteRequirementsSet(Aggregate.Event):
        """ASM-5: what a TUK must provide for this skema to be assessed remotely, as BNSP set it nationally before each
        LSP set its own (``remote_requirements``); no longer recorded, still read for an LSP that has set none."""

        code: str
        requirements: tuple[str, ...]
        rule_ids: tuple[str, ...]
        cause: Cause

    @classmethod
    def publish(cls, *, code: object, title: object, units: Sequence[CompetencyUnit], cause: Cause) -> Skema:
        skema_code = parse_code(code, SKEMA_CODE, "code", "a skema code is ASCII letters, digits, '.', '/' or '-'")
        name = parse_text(title, field="title", max_chars=NAME_CHARS, rule_id="ASM-1")
        published: Skema = cls(code=skema_code, title=name, units=_units(units), cause=cause)
        return published

    @event(Published)
    def __init__(self, code: str, title: str, units: tuple[CompetencyUnit, ...], cause: Cause) -> None:
        self.code = code
        self.title = title
        self.versions: list[tuple[CompetencyUnit, ...]] = [units]
        self.remote_requirements: frozenset[str] = frozenset()

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/bnsp/skema/{code}")

    @property
    def current_version(self) -> int:
        return len(self.versions)

    def units_of(self, version: int) -> tuple[CompetencyUnit, ...]:
        if not 1 <= version <= len(self.versions):
            raise violation("ASM-1", "skemaVersion", f"skema {self.code} has versions 1 to {len(self.versions)}")
        return self.versions[version - 1]

    def revise(self, units: Sequence[CompetencyUnit], cause: Cause) -> bool:
        revised = _units(units)
        if revised == self.versions[-1]:
            return False
        self._revised(code=self.code, skema_version=len(self.versions) + 1, units=revised, cause=cause)
        return True

    @event(RemoteRequirementsSet)
    def _remote_requirements_set(
        self, code: str, requirements: tuple[str, ...], rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.remote_requirements = frozenset(requirements)

    @event(Revised)
    def _revised(self, code: str, skema_version: int, units: tuple[CompetencyUnit, ...], cause: Cause) -> None:
        self.versions.append(units)


def _units(units: Sequence[CompetencyUnit]) -> tuple[CompetencyUnit, ...]:
    if not 1 <= len(units) <= MAX_UNITS:
        raise violation("ASM-1", "units", f"a skema has 1 to {MAX_UNITS} competency units; got {len(units)}")
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        raise violation("ASM-1.duplicate", "units", f"a unit appears twice in the skema: {', '.join(repeated)}")
    return tuple(units)
