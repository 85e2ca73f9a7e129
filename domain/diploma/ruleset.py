"""PIN-8: the thresholds of PIN-2 and PIN-3 as versioned data, and the pure rules that apply them."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from importlib import resources

from domain.errors import Failure, RuleViolation
from domain.registry.level import Level
from domain.registry.period import Period
from domain.registry.record import AcademicRecord

_new, _set = object.__new__, object.__setattr__

Check = Callable[[AcademicRecord], Sequence[Failure]]  # a rule's failures for a record; none when it holds
Checks = tuple[tuple[str, Check], ...]  # each with its rule id, as a decision records it


@dataclass(frozen=True)
class Decision:
    """What a reservation or pairing decision applied and saw; recorded in its event."""

    ruleset_id: str
    rule_ids: tuple[str, ...]
    failures: tuple[Failure, ...]
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class LoadLimits:
    normal_max_sks: int
    max_sks: int
    high_load_from_semester: int
    high_load_previous_ips_above: Decimal
    short_semester_max_sks: int


@dataclass(frozen=True)
class Ruleset:
    id: str
    title: str
    effective_from: date
    load: LoadLimits
    min_ipk: Mapping[Level, Decimal]
    reservation_min_sks_passed: Mapping[Level, int]
    pairing_min_sks_passed: Mapping[Level, int]
    max_study_years: Mapping[Level, int]
    min_reported_semesters: Mapping[Level, int]
    requires_identity_number: bool

    @classmethod
    def from_json(cls, text: str) -> Ruleset:
        raw = json.loads(text)
        load = raw["load"]
        return cls(
            id=raw["id"],
            title=raw["title"],
            effective_from=date.fromisoformat(raw["effective_from"]),
            load=LoadLimits(
                normal_max_sks=load["normal_max_sks"],
                max_sks=load["max_sks"],
                high_load_from_semester=load["high_load_from_semester"],
                high_load_previous_ips_above=Decimal(load["high_load_previous_ips_above"]),
                short_semester_max_sks=load["short_semester_max_sks"],
            ),
            min_ipk={Level(k): Decimal(v) for k, v in raw["min_ipk"].items()},
            reservation_min_sks_passed=_levels(raw["reservation_min_sks_passed"]),
            pairing_min_sks_passed=_levels(raw["pairing_min_sks_passed"]),
            max_study_years=_levels(raw["max_study_years"]),
            min_reported_semesters=_levels(raw["min_reported_semesters"]),
            requires_identity_number=raw["requires_identity_number"],
        )

    def reservation(self, record: AcademicRecord) -> Decision:
        """PIN-2 (and PIN-8 additions): may a NINA be reserved for this record?"""
        return self._decide(record, *self._reservation_plans[record.level in self.min_reported_semesters])

    def pairing(self, record: AcademicRecord) -> Decision:
        """PIN-3 (and PIN-8 additions): may the reserved NINA be paired with this graduate?"""
        return self._decide(record, *self._pairing_plans[record.level in self.min_reported_semesters])

    # A decision's checks and their rule ids, by whether the record's level has its reported semesters counted
    # (``_pisn_checks``): made once per ruleset rather than per decision (issue 35).

    @functools.cached_property
    def _reservation_plans(self) -> dict[bool, tuple[Checks, tuple[str, ...]]]:
        return {counted: _planned(self._reservation_checks + self._pisn_checks(counted)) for counted in (False, True)}

    @functools.cached_property
    def _pairing_plans(self) -> dict[bool, tuple[Checks, tuple[str, ...]]]:
        return {counted: _planned(self._pairing_checks + self._pisn_checks(counted)) for counted in (False, True)}

    # A decision's checks, in the order they are applied and recorded; made once per ruleset rather than per decision
    # (issue 35). Each returns its failures, none when the rule holds.

    @functools.cached_property
    def _reservation_checks(self) -> Checks:
        return (
            ("PIN-2.reported", partial(_gaps, "PIN-2.reported")),
            ("PIN-2.load", partial(self._load, "PIN-2.load")),
            ("PIN-2.ipk", partial(self._ipk, "PIN-2.ipk")),
            ("PIN-2.sks", partial(_sks, "PIN-2.sks", minimum=self.reservation_min_sks_passed)),
            ("PIN-2.study_time", partial(self._study_time, "PIN-2.study_time")),
        )

    @functools.cached_property
    def _pairing_checks(self) -> Checks:
        return (
            ("PIN-3.graduated", _graduated),
            ("PIN-3.accreditation", _accredited),
            ("PIN-3.load", partial(self._load, "PIN-3.load")),
            ("PIN-3.ipk", partial(self._ipk, "PIN-3.ipk")),
            ("PIN-3.sks", partial(_sks, "PIN-3.sks", minimum=self.pairing_min_sks_passed)),
            ("PIN-3.study_time", partial(self._study_time, "PIN-3.study_time")),
        )

    def _pisn_checks(self, counted: bool) -> Checks:
        """PIN-8's additions, for a record whose level has its reported semesters counted or not."""
        if self.requires_identity_number:
            return self._pisn_both if counted else _IDENTITY_NUMBER
        return self._pisn_reported if counted else ()

    @functools.cached_property
    def _pisn_reported(self) -> Checks:
        return (("PIN-8.reported_semesters", self._reported_semesters),)

    @functools.cached_property
    def _pisn_both(self) -> Checks:
        return self._pisn_reported + _IDENTITY_NUMBER

    def _decide(self, record: AcademicRecord, checks: Checks, rule_ids: tuple[str, ...]) -> Decision:
        failures: list[Failure] = []
        for _, check in checks:
            failures += check(record)
        # Decision(ruleset_id=..., rule_ids=..., failures=..., inputs=...) less its frozen __init__, which sets a field
        # at a time through object.__setattr__: its fields in their order, so the same value and stored state (issue 35)
        decision = _new(Decision)
        _set(
            decision,
            "__dict__",
            {"ruleset_id": self.id, "rule_ids": rule_ids, "failures": tuple(failures), "inputs": self._inputs(record)},
        )
        return decision

    def _inputs(self, record: AcademicRecord) -> dict[str, str]:
        latest = record.latest
        inputs = {
            "level": record.level.value,
            "entry_period": record.entry_period.code,
            "reported_periods": ",".join([f"{r.period.year}{r.period.term}" for r in record.reports]),  # Period.code
            "ipk": str(latest.ipk) if latest else "",
            "sks_passed": str(latest.sks_passed) if latest else "",
            "semesters_counted": str(record.counted_semesters),
            "has_identity_number": str(record.has_identity_number).lower(),
        }
        if record.graduation:
            inputs["yudisium_number"] = record.graduation.decree_number
            inputs["yudisium_date"] = record.graduation.decree_date.isoformat()
            inputs["accredited_at_graduation"] = str(record.accredited_at_graduation).lower()
        return inputs

    def _load(self, rule_id: str, record: AcademicRecord) -> list[Failure]:
        limits = self.load
        failures = []
        for report in record.reports:
            if report.period.term == 3:  # Period.is_short, in line: a property call per report was most of it
                if report.sks_taken > limits.short_semester_max_sks:
                    failures.append(
                        Failure(
                            rule_id,
                            "sksTaken",
                            f"short semester {report.period}: {report.sks_taken} sks taken, "
                            f"at most {limits.short_semester_max_sks}",
                        )
                    )
                continue
            if report.sks_taken <= limits.normal_max_sks:
                continue
            if report.sks_taken > limits.max_sks:
                failures.append(
                    Failure(
                        rule_id,
                        "sksTaken",
                        f"semester {report.period}: {report.sks_taken} sks taken, at most {limits.max_sks}",
                    )
                )
                continue
            number = report.period.ordinal - record.entry_period.ordinal + 1
            previous = record.regular_reports.get(Period.from_ordinal(report.period.ordinal - 1))
            if number < limits.high_load_from_semester:
                failures.append(
                    Failure(
                        rule_id,
                        "sksTaken",
                        f"semester {report.period} (semester {number}): {report.sks_taken} sks is above the "
                        f"normal {limits.normal_max_sks}, allowed only from semester "
                        f"{limits.high_load_from_semester}",
                    )
                )
            elif previous is None or previous.ips <= limits.high_load_previous_ips_above:
                seen = previous.ips if previous else "no report"
                failures.append(
                    Failure(
                        rule_id,
                        "sksTaken",
                        f"semester {report.period}: {report.sks_taken} sks is above the normal "
                        f"{limits.normal_max_sks}, allowed only after a semester GPA above "
                        f"{limits.high_load_previous_ips_above} (previous: {seen})",
                    )
                )
        return failures

    def _ipk(self, rule_id: str, record: AcademicRecord) -> Sequence[Failure]:
        minimum = self.min_ipk[record.level]
        latest = record.latest
        if latest is None or latest.ipk < minimum:
            seen = latest.ipk if latest else "none reported"
            return (Failure(rule_id, "ipk", f"IPK {seen} is below {minimum} for {record.level}"),)
        return ()

    def _study_time(self, rule_id: str, record: AcademicRecord) -> Sequence[Failure]:
        limit = self.max_study_years[record.level] * 2
        counted = record.counted_semesters
        if counted > limit:
            return (
                Failure(
                    rule_id,
                    "semesterReports",
                    f"{counted} regular semesters counted (leave excluded), at most {limit} "
                    f"({limit // 2} academic years) for {record.level}",
                ),
            )
        return ()

    def _reported_semesters(self, record: AcademicRecord) -> Sequence[Failure]:
        minimum = self.min_reported_semesters[record.level]
        reported = len(record.regular_by_ordinal)  # one per regular period reported
        if reported < minimum:
            return (
                Failure(
                    "PIN-8.reported_semesters",
                    "semesterReports",
                    f"{reported} regular semesters reported, at least {minimum} for {record.level}",
                ),
            )
        return ()


def _planned(checks: Checks) -> tuple[Checks, tuple[str, ...]]:
    """Checks, and their rule ids in the order they are applied and recorded."""
    return checks, tuple([rule_id for rule_id, _ in checks])


def _levels(raw: Mapping[str, int]) -> dict[Level, int]:
    return {Level(k): int(v) for k, v in raw.items()}


def _gaps(rule_id: str, record: AcademicRecord) -> Sequence[Failure]:
    reported = record.regular_by_ordinal
    if not reported:
        return (Failure(rule_id, "semesterReports", "no semester has been reported to PDDIKTI"),)
    # A short semester closes its academic year, so the even semester before it must be reported too: its ordinal is
    # that semester's (``last_ordinal`` counts short ones). By ordinal, as AcademicRecord.counted_semesters: a Period is
    # made only for a missing semester.
    first, last = record.entry_period.ordinal, record.last_ordinal
    if len(reported) == last + 1 - first and min(reported) >= first:
        return ()  # as many regular semesters inside the span as it holds: none missing
    missing = [Period.from_ordinal(o).code for o in range(first, last + 1) if o not in reported]
    if missing:
        return (
            Failure(
                rule_id,
                "semesterReports",
                f"not reported without a gap since entry {record.entry_period}: missing {', '.join(missing)}",
            ),
        )
    return ()


def _sks(rule_id: str, record: AcademicRecord, minimum: Mapping[Level, int]) -> Sequence[Failure]:
    needed = minimum[record.level]
    latest = record.latest
    passed = latest.sks_passed if latest else 0
    if passed < needed:
        return (Failure(rule_id, "sksPassed", f"{passed} sks passed, at least {needed} for {record.level}"),)
    return ()


def _graduated(record: AcademicRecord) -> Sequence[Failure]:
    if record.graduation is None:
        return (Failure("PIN-3.graduated", "yudisium", "no graduation (yudisium) has been recorded"),)
    return ()


def _accredited(record: AcademicRecord) -> Sequence[Failure]:
    if record.graduation is not None and not record.accredited_at_graduation:
        return (
            Failure(
                "PIN-3.accreditation",
                "accreditation",
                f"the programme was not accredited on the yudisium date {record.graduation.decree_date}",
            ),
        )
    return ()


_NO_IDENTITY_NUMBER = "a NIK, or a passport number for a foreign student, is required"


def _identity_number(record: AcademicRecord) -> Sequence[Failure]:
    if not record.has_identity_number:
        return (Failure("PIN-8.identity_number", "nik", _NO_IDENTITY_NUMBER),)
    return ()


_IDENTITY_NUMBER: Checks = (("PIN-8.identity_number", _identity_number),)


class NoRulesetInForce(RuleViolation, LookupError):
    """PIN-8: rules are dated data, and none was in force on the day asked about."""

    def __init__(self, day: date, field: str) -> None:
        super().__init__(Failure("PIN-8", field, f"no PIN ruleset is in force on {day}"))


class RulesetBook:
    """All rulesets; the one in force on a day is the latest effective by then (PIN-8)."""

    def __init__(self, rulesets: Iterable[Ruleset]) -> None:
        self._by_date = sorted(rulesets, key=lambda r: r.effective_from)
        self._by_id = {r.id: r for r in self._by_date}

    def in_force(self, day: date, field: str = "on") -> Ruleset:
        candidates = [r for r in self._by_date if r.effective_from <= day]
        if not candidates:
            raise NoRulesetInForce(day, field)
        return candidates[-1]

    def get(self, ruleset_id: str) -> Ruleset:
        return self._by_id[ruleset_id]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_date)

    @classmethod
    def shipped(cls) -> RulesetBook:
        """The rulesets shipped as data files beside this module."""
        folder = resources.files("domain.diploma.rulesets")
        return cls(Ruleset.from_json(f.read_text("utf-8")) for f in folder.iterdir() if f.name.endswith(".json"))
