"""A PDDIKTI import file's line format (PIN-0): one JSON object per line, parsed (pure: text → command, or the PIN-0
failures of its fields) before anything is run. Fields that may be null may also be left out; any other missing or
unknown field is an error."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeGuard, TypeVar

import orjson

from domain.errors import Failure, RuleViolation
from domain.personal import PersonalData
from domain.registry.accreditation import Accreditation
from domain.registry.codes import NIM, Code, ProdiCode, UniversityCode
from domain.registry.gpa import GPA
from domain.registry.level import Level, Orientation
from domain.registry.period import Period
from domain.registry.record import Graduation, SemesterReport, SemesterStatus

E = TypeVar("E", bound=StrEnum)

MAX_INTEGER = 2**31  # larger numbers are typing errors, and the event encoding stops at 64 bits


# Commands: what one line asks for ------------------------------------------------------------


@dataclass(frozen=True)
class RegisterUniversity:
    code: str
    name: str


@dataclass(frozen=True)
class RegisterProgramme:
    university_code: str
    prodi_code: str
    name: str
    level: Level
    orientation: Orientation
    accreditation: Accreditation | None


@dataclass(frozen=True)
class RegisterStudent:
    university_code: str
    nim: str
    prodi_code: str
    entry_period: Period
    personal: PersonalData


@dataclass(frozen=True)
class ReportSemester:
    university_code: str
    nim: str
    report: SemesterReport


@dataclass(frozen=True)
class RecordGraduation:
    university_code: str
    nim: str
    graduation: Graduation


Command = RegisterUniversity | RegisterProgramme | RegisterStudent | ReportSemester | RecordGraduation


# Parsing (pure) ------------------------------------------------------------------------------


class Fields:
    """Reads typed fields of one record, collecting a PIN-0 failure per missing or ill-typed field."""

    def __init__(self, raw: dict[str, Any], prefix: str = "") -> None:
        self.raw = raw
        self.prefix = prefix
        self.failures: list[Failure] = []
        self.seen: set[str] = set() if prefix else {"kind"}

    def _get(self, name: str, *, required: bool = True) -> Any:
        self.seen.add(name)
        if name not in self.raw and required:
            self.fail(name, "is missing")
        return self.raw.get(name)

    def fail(self, name: str, message: str) -> None:
        self.failures.append(Failure("PIN-0", self.prefix + name, f"{self.prefix + name} {message}"))

    def text(self, name: str) -> str:
        value = self._get(name)
        if isinstance(value, str):
            return value
        if name in self.raw:
            self.fail(name, f"must be a string; got {value!r}")
        return ""

    def code(self, name: str, kind: type[Code]) -> str:
        """A key in its alphabet (PIN-0, PIN-1), named as the file names it; trimmed, so corrections match."""
        text = self.text(name)
        try:
            return kind.parse(text, field=self.prefix + name).value
        except RuleViolation as e:
            if name in self.raw and isinstance(self.raw[name], str):
                self.failures.extend(e.failures)
            return text

    def optional_text(self, name: str) -> str | None:
        value = self._get(name, required=False)
        if value is None or isinstance(value, str):
            return value
        self.fail(name, f"must be a string or null; got {value!r}")
        return None

    def integer(self, name: str) -> int:
        value = self._get(name)
        if _whole(value):
            return value
        if name in self.raw:
            self.fail(name, f"must be a whole number below {MAX_INTEGER}; got {value!r}")
        return 0

    def gpa(self, name: str) -> Decimal:
        value = self._get(name)
        if isinstance(value, str):
            try:
                return _gpa(value, self.prefix + name)
            except RuleViolation as e:
                self.failures.extend(e.failures)
        elif name in self.raw:  # a JSON number would round-trip through float
            self.fail(name, f'must be a decimal written as a string, e.g. "3.50"; got {value!r}')
        return Decimal(0)

    def day(self, name: str) -> date:
        return self._date(name, self.text(name)) or date.min

    def optional_day(self, name: str) -> date | None:
        return self._date(name, self.optional_text(name))

    def _date(self, name: str, text: str | None) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(name, f"must be a date YYYY-MM-DD; got {text!r}")
            return None

    def choice(self, name: str, kind: type[E]) -> E:
        text = self.text(name)
        try:
            return kind(text)
        except ValueError:
            if name in self.raw and isinstance(self.raw[name], str):
                self.fail(name, f"must be one of {', '.join(k.value for k in kind)}; got {text!r}")
            return next(iter(kind))

    def period(self, name: str) -> Period:
        text = self.text(name)
        try:
            return _period(text, self.prefix + name)
        except RuleViolation as e:
            if name in self.raw and isinstance(self.raw[name], str):
                self.failures.extend(e.failures)
            return Period(0, 1)

    def nested(self, name: str) -> Fields | None:
        value = self._get(name, required=False)
        if value is None:
            return None
        if isinstance(value, dict):
            return Fields(value, prefix=f"{self.prefix}{name}.")
        self.fail(name, f"must be an object or null; got {value!r}")
        return None

    def problems(self) -> list[Failure]:
        """The failures so far, and one per unknown field (a misspelt optional one would be lost)."""
        unknown = sorted(set(self.raw) - self.seen)
        return [
            *self.failures,
            *(Failure("PIN-0", self.prefix + u, f"{self.prefix + u} is not a known field") for u in unknown),
        ]

    def done(self, *nested: Fields | None) -> None:
        if not nested and not self.failures and self.seen.issuperset(self.raw):  # a good line, at once
            return
        failures = [*self.problems(), *(f for n in nested if n is not None for f in n.problems())]
        if failures:
            raise RuleViolation(*failures)


# A file repeats a few periods and grades on every line: each is parsed once (both are immutable, so one object
# serves every line; a refusal is not cached, so it is raised each time, naming its field).
@functools.lru_cache(maxsize=1024)
def _period(text: str, field: str) -> Period:
    return Period.parse(text, field=field)


@functools.lru_cache(maxsize=1024)
def _gpa(text: str, field: str) -> Decimal:
    return GPA.parse(text, field=field).value


def parse_line(text: str) -> Command:
    """One record → its command; raises RuleViolation (PIN-0) naming each bad field."""
    try:
        raw = _json(text)
    except json.JSONDecodeError as e:
        raise RuleViolation(Failure("PIN-0", "line", f"not valid JSON: {e.msg} at column {e.colno}")) from None
    if not isinstance(raw, dict):
        raise RuleViolation(Failure("PIN-0", "line", "a line must be a JSON object"))
    kind = raw.get("kind")
    if kind == "semester" and (command := _semester_at_once(raw)) is not None:
        return command
    parser = _PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        known = ", ".join(_PARSERS)
        raise RuleViolation(Failure("PIN-0", "kind", f"kind must be one of {known}; got {kind!r}"))
    return parser(Fields(raw))


def _json(text: str) -> Any:
    """``json.loads``, a quarter of its cost (issue 35): orjson reads what json reads alike, and refuses more (NaN,
    lone surrogates; an integer beyond 64 bits it reads as a float, which ``Fields.integer`` refuses as json's would
    be), so a line it refuses is read by json, which words the refusal."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _university(f: Fields) -> Command:
    command = RegisterUniversity(code=f.code("code", UniversityCode), name=f.text("name"))
    f.done()
    return command


def _programme(f: Fields) -> Command:
    accreditation = f.nested("accreditation")
    command = RegisterProgramme(
        university_code=f.code("university", UniversityCode),
        prodi_code=f.code("prodi", ProdiCode),
        name=f.text("name"),
        level=f.choice("level", Level),
        orientation=f.choice("orientation", Orientation),
        accreditation=_accreditation(accreditation) if accreditation else None,
    )
    f.done(accreditation)
    return command


def _accreditation(f: Fields) -> Accreditation:
    return Accreditation(grade=f.text("grade"), valid_from=f.day("valid_from"), valid_until=f.day("valid_until"))


def _student(f: Fields) -> Command:
    command = RegisterStudent(
        university_code=f.code("university", UniversityCode),
        nim=f.code("nim", NIM),
        prodi_code=f.code("prodi", ProdiCode),
        entry_period=f.period("entry_period"),
        personal=PersonalData(
            full_name=f.text("full_name"),
            nik=f.optional_text("nik"),
            passport_number=f.optional_text("passport_number"),
            birth_place=f.optional_text("birth_place"),
            birth_date=f.optional_day("birth_date"),
            email=f.optional_text("email"),
        ),
    )
    f.done()
    return command


def _semester(f: Fields) -> Command:
    command = ReportSemester(
        university_code=f.code("university", UniversityCode),
        nim=f.code("nim", NIM),
        report=SemesterReport(
            period=f.period("period"),
            status=f.choice("status", SemesterStatus),
            sks_taken=f.integer("sks_taken"),
            ips=f.gpa("ips"),
            ipk=f.gpa("ipk"),
            sks_passed=f.integer("sks_passed"),
        ),
    )
    f.done()
    return command


_SEMESTER_FIELDS = frozenset({"kind", "university", "nim", "period", "status", "sks_taken", "ips", "ipk", "sks_passed"})


def _semester_at_once(raw: dict[str, Any]) -> Command | None:
    """A good semester line (most of a file) read without ``Fields``' bookkeeping: exactly its fields, each of its
    type and valid, gives the command ``_semester`` gives (issue 35). Any other is None, and ``_semester`` reads it
    field by field, naming each failure."""
    if raw.keys() != _SEMESTER_FIELDS:
        return None
    university, nim, period, status = raw["university"], raw["nim"], raw["period"], raw["status"]
    taken, passed, ips, ipk = raw["sks_taken"], raw["sks_passed"], raw["ips"], raw["ipk"]
    texts = (university, nim, period, status, ips, ipk)
    if not all(isinstance(t, str) for t in texts) or not (_whole(taken) and _whole(passed)):
        return None
    try:
        return ReportSemester(
            university_code=UniversityCode.parse(university, "university").value,
            nim=NIM.parse(nim, "nim").value,
            report=SemesterReport(
                period=_period(period, "period"),
                status=SemesterStatus(status),
                sks_taken=taken,
                ips=_gpa(ips, "ips"),
                ipk=_gpa(ipk, "ipk"),
                sks_passed=passed,
            ),
        )
    except (RuleViolation, ValueError):
        return None


def _whole(value: object) -> TypeGuard[int]:
    """What ``Fields.integer`` takes."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_INTEGER


def _graduation(f: Fields) -> Command:
    command = RecordGraduation(
        university_code=f.code("university", UniversityCode),
        nim=f.code("nim", NIM),
        graduation=Graduation(decree_number=f.text("yudisium_number"), decree_date=f.day("yudisium_date")),
    )
    f.done()
    return command


_PARSERS: dict[str, Callable[[Fields], Command]] = {
    "university": _university,
    "programme": _programme,
    "student": _student,
    "semester": _semester,
    "graduation": _graduation,
}
