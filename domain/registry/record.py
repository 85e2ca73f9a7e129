"""What PDDIKTI knows of a student's studies: the inputs of the PIN rules (PIN-0)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from domain.errors import Failure, RuleViolation
from domain.registry.gpa import GPA
from domain.registry.level import Level
from domain.registry.period import Period

T = TypeVar("T")

MAX_SKS_TAKEN = 60
MAX_SKS_PASSED = 500  # (decided) above any programme's total: a larger number is a typing error


class SemesterStatus(StrEnum):
    ACTIVE = "A"  # aktif
    ON_LEAVE = "C"  # cuti: approved leave, not counted in study time
    NON_ACTIVE = "N"  # non-aktif


@dataclass(frozen=True)
class SemesterReport:
    period: Period
    status: SemesterStatus
    sks_taken: int
    ips: Decimal  # semester GPA (IPS)
    ipk: Decimal  # cumulative GPA (IPK)
    sks_passed: int  # cumulative sks passed

    @property
    def is_short(self) -> bool:
        return self.period.is_short

    def check(self, entry_period: Period, today: date) -> None:
        """PIN-0: a report is well formed before it can change a record."""
        failures = []
        period = self.period
        # ``period < entry_period`` (Period orders by year, then term) without the dataclass's ``__lt__``, a call that
        # builds two tuples: every report an import reads is checked (issue 35)
        if period.year < entry_period.year or (period.year == entry_period.year and period.term < entry_period.term):
            failures.append(Failure("PIN-0", "period", f"{self.period} is before the entry period {entry_period}"))
        if self.period.starts_on > today:  # PIN-2 (decided): a period after the decision day is refused
            failures.append(Failure("PIN-0", "period", f"{self.period} has not started on {today}"))
        for name, gpa in (("ips", self.ips), ("ipk", self.ipk)):
            if not GPA.well_formed(gpa):  # also NaN, infinities and "-0.00"
                failures.append(Failure("PIN-0", name, f"a GPA is 0.00-4.00 with two decimals, unsigned; got {gpa}"))
        if not 0 <= self.sks_taken <= MAX_SKS_TAKEN:
            failures.append(Failure("PIN-0", "sksTaken", f"sks taken is 0-{MAX_SKS_TAKEN}; got {self.sks_taken}"))
        if not 0 <= self.sks_passed <= MAX_SKS_PASSED:
            failures.append(Failure("PIN-0", "sksPassed", f"sks passed is 0-{MAX_SKS_PASSED}; got {self.sks_passed}"))
        if failures:
            raise RuleViolation(*failures)


@dataclass(frozen=True)
class Graduation:
    """Yudisium: the decree that declares the student graduated."""

    decree_number: str
    decree_date: date


class _once(functools.cached_property[T]):  # a decorator, named as functools.cached_property is
    """``functools.cached_property`` less the lock Python 3.11 takes on its first read (3.12 dropped it, issue 35): the
    value is worked out on the first read and kept in the instance, whose own attribute then answers every later read.
    Two threads reading it first at once would each work out the same value. Still a cached_property to whoever asks
    (infra/typed_state.py: a class with one writes its instances' __dict__ after they are made)."""

    def __get__(self, instance: Any, owner: type | None = None) -> T:  # type: ignore[override]
        if instance is None:
            return self  # type: ignore[return-value]  # read on the class: the descriptor, as cached_property does
        value = instance.__dict__[self.attrname] = self.func(instance)
        return value


@dataclass(frozen=True)
class AcademicRecord:
    """A student's record as the rules see it: effective reports only, in period order."""

    level: Level
    entry_period: Period
    reports: tuple[SemesterReport, ...]
    has_identity_number: bool
    graduation: Graduation | None = None
    accredited_at_graduation: bool = False

    @property
    def latest(self) -> SemesterReport | None:
        return self.reports[-1] if self.reports else None

    @functools.cached_property  # read by a rule only for a semester above the normal load
    def regular_reports(self) -> Mapping[Period, SemesterReport]:
        return {r.period: r for r in self.reports if not r.is_short}

    @property
    def regular_by_ordinal(self) -> Mapping[int, SemesterStatus]:
        """The status of each regular semester reported, by its period's ordinal (one to one with regular periods, so
        no Period is hashed: issue 35); as ``regular_reports``, a later report of a period stands."""
        return self._summary.regular

    @property
    def last_ordinal(self) -> int:
        """The latest ordinal reported, a short semester's (its academic year's even one) included; -1 for none."""
        return self._summary.last

    @property
    def counted_semesters(self) -> int:
        """Regular semesters from entry to the latest reported one, inclusive, less approved leave (PIN-2.study_time's
        measure, and an input every decision records)."""
        return self._summary.counted

    @_once  # PIN-2.reported, PIN-2.study_time, PIN-8.reported_semesters and a decision's inputs
    def _summary(self) -> _Summary:
        """What the rules read of the reports, in one pass over them, made once (issue 35). Each period's ordinal is
        ``Period.ordinal``, and short ``Period.is_short``, worked out inline: their property calls were most of it."""
        regular: dict[int, SemesterStatus] = {}
        last = -1
        for report in self.reports:
            period = report.period
            ordinal = period.year * 2 + (period.term > 1)  # Period.ordinal
            if ordinal > last:
                last = ordinal
            if period.term != 3:  # not Period.is_short
                regular[ordinal] = report.status
        if not regular:
            return _Summary(regular, last, 0)
        first = self.entry_period.ordinal
        span = max(0, max(regular) + 1 - first)  # every leave is at or before the latest
        if min(regular) >= first:  # as it is once PIN-0 checked every report: each leave inside the span
            leave = list(regular.values()).count(SemesterStatus.ON_LEAVE)
        else:
            leave = sum(1 for o, s in regular.items() if s is SemesterStatus.ON_LEAVE and o >= first)
        return _Summary(regular, last, span - leave)


class _Summary(NamedTuple):
    regular: dict[int, SemesterStatus]  # ``AcademicRecord.regular_by_ordinal``
    last: int  # ``AcademicRecord.last_ordinal``
    counted: int  # ``AcademicRecord.counted_semesters``
