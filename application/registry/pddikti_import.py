"""Bulk import of a university cohort as reported to PDDIKTI (PIN-0), from a JSON Lines file.

Each line is parsed (``pddikti_lines``: text → command, or the PIN-0 failures of its fields), then run as one
``Registry`` command whose cause names the file and the line, ``CHUNK`` lines to a transaction (a unit of
work, ``application.unit``). A bad line is reported and skipped; it never stops the import. Every command is
idempotent, so importing the same file again changes no record; each run itself is recorded (``import_file``,
``domain.registry.pddikti_import``) for the operators to read what it did.
Fields that may be null may also be left out; any other missing or unknown field is an error.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.receipt import Receipt
from application.registry.pddikti_lines import (  # noqa: F401  (the line format, re-exported for callers)
    MAX_INTEGER,
    Command,
    Fields,
    RecordGraduation,
    RegisterProgramme,
    RegisterStudent,
    RegisterUniversity,
    ReportSemester,
    parse_line,
)
from application.registry.registry import Registry
from domain.audit import Actor, Cause
from domain.errors import Conflict, DomainError, NotAuthorized, NotFound, RuleViolation
from domain.personal import Sealer
from domain.registry.codes import UniversityCode
from domain.registry.pddikti_import import MAX_RECORDED_ERRORS, RefusedLine, UniversityTally
from domain.registry.programme import Programme
from domain.registry.student import Student
from domain.registry.university import University

# Refusals that are not a PIN rule still get an id a caller can group by.
NOT_AUTHORIZED = "NOT_AUTHORIZED"
CONFLICT = "CONFLICT"

# NotFound names what is missing; report it under the file's field that refers to it.
_NOT_FOUND_FIELDS = {"university": "university", "prodi": "prodi", "student": "nim"}


class ImportCut(Exception):
    """A run ended before deciding every line (a worker of a parallel import failed): what it committed stays, and
    running the file again completes it; the run is not recorded."""


@dataclass(frozen=True)
class LineError:
    line_number: int
    rule_id: str
    field: str
    message: str


@dataclass
class ImportReport:
    """``lines_read`` counts records (not blank or comment lines): each is applied, unchanged or failed."""

    source: str
    lines_read: int = 0
    applied: int = 0  # lines whose command appended events
    unchanged: int = 0  # lines whose command was an idempotent no-op
    errors: list[LineError] = field(default_factory=list)
    last_position: int | None = None  # wait for read models up to here
    tallies: tuple[UniversityTally, ...] = ()  # per university, as the import's record keeps them (issue 32)

    @property
    def failed(self) -> int:
        return len({e.line_number for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


# Dispatch ------------------------------------------------------------------------------------


def dispatch(registry: Registry, command: Command, cause: Cause) -> Receipt:
    match command:  # a file's reports first: most of its lines (each case before a line's own costs it a test)
        case ReportSemester(university_code=u, nim=nim, report=report):
            return registry.report_semester(university_code=u, nim=nim, report=report, cause=cause)
        case RegisterUniversity(code=code, name=name):
            return registry.register_university(code=code, name=name, cause=cause)
        case RegisterProgramme():
            return registry.register_programme(
                university_code=command.university_code,
                prodi_code=command.prodi_code,
                name=command.name,
                level=command.level,
                orientation=command.orientation,
                accreditation=command.accreditation,
                cause=cause,
            )
        case RegisterStudent():
            return registry.register_student(
                university_code=command.university_code,
                nim=command.nim,
                prodi_code=command.prodi_code,
                entry_period=command.entry_period.code,
                personal=command.personal,
                cause=cause,
            )
        case RecordGraduation(university_code=u, nim=nim, graduation=graduation):
            return registry.record_graduation(university_code=u, nim=nim, graduation=graduation, cause=cause)


def line_errors(line_number: int, error: DomainError) -> list[LineError]:
    match error:
        case RuleViolation():
            return [LineError(line_number, f.rule_id, f.field, f.message) for f in error.failures]
        case NotFound():
            return [LineError(line_number, "PIN-0", _NOT_FOUND_FIELDS.get(error.what, error.what), str(error))]
        case NotAuthorized():
            return [LineError(line_number, NOT_AUTHORIZED, "university", str(error))]
        case Conflict():
            return [LineError(line_number, CONFLICT, "line", str(error))]
    return [LineError(line_number, "PIN-0", "line", str(error))]


# The import ----------------------------------------------------------------------------------


Parsed = tuple[int, Command | RuleViolation]
Key = tuple[str | int, ...]


def records(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Numbered records: blank lines and ``#`` comments are skipped but keep their line numbers."""
    # one comprehension's loop, not a generator's step a line: the importer reads the file before its workers start
    yield from [
        (number, text) for number, line in enumerate(lines, start=1) if (text := line.strip()) and text[0] != "#"
    ]


def _parse(number: int, text: str) -> Parsed:
    try:
        return number, parse_line(text)
    except RuleViolation as e:
        return number, e


def _correction_key(command: Command) -> Key | None:
    """What a later line with the same key corrects (PIN-0: a later report supersedes)."""
    match command:
        case ReportSemester(university_code=u, nim=nim, report=report):
            return ("semester", u, nim, report.period.year, report.period.term)  # the period, as its code names it
        case RecordGraduation(university_code=u, nim=nim):
            return ("graduation", u, nim)
    return None


def _corrections(parsed: list[Parsed]) -> dict[int, Command]:
    """Each line that a later line of the file corrects, by its number: the file's final word on its key. Made once,
    so that deciding a line and counting it need not derive its key again (issue 35)."""
    last: dict[Key, tuple[int, Command]] = {}
    keyed: list[tuple[int, Key]] = []
    for number, command in parsed:
        if not isinstance(command, RuleViolation) and (key := _correction_key(command)) is not None:
            last[key] = (number, command)
            keyed.append((number, key))
    return {number: last[key][1] for number, key in keyed if last[key][0] != number}


# Lines per transaction: large enough that BEGIN/COMMIT stop mattering, small enough that a rerun after a crash
# repeats little and a conflict with a concurrent writer redoes little (issue 8).
CHUNK = 500
CARRIED = 20_000  # aggregates kept from one chunk to the next, at most


@dataclass
class _Outcome:
    """What one chunk's lines did, kept apart until the chunk is saved."""

    applied: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)


class _Redo(Exception):
    """The chunk cannot be saved as one: it runs again line by line, each line its own transaction."""


@dataclass
class _Run:
    registry: Registry
    actor: Actor
    source: str
    corrected: dict[int, Command]  # each corrected line's number: the file's final word on its semester or graduation
    report: ImportReport
    # The records as the last chunk saved them: a file ordered by semester touches each student again in every
    # later chunk, and replaying them all again was the import's largest cost (issue 8). A record changed by
    # another writer meanwhile fails the flush on its version, and the chunk reruns line by line from the store.
    carried: dict[UUID, Any] = field(default_factory=dict)

    def chunk(self, lines: list[Parsed], progress: Callable[[int], None] | None) -> None:
        """The chunk's lines in one transaction; if a concurrent writer changed one of its records meanwhile,
        or a refused line left an event behind, the lines again one by one."""
        commands = [(n, c) for n, c in lines if not isinstance(c, RuleViolation)]
        try:
            with self.registry.unit(self._keys(commands)) as unit:
                needed = {i for _, c in commands for i in _records_of(c)}
                carried = self.carried.get  # one look-up each (a record carried is never None)
                unit.seen.update({i: a for i in needed if (a := carried(i)) is not None})
                self.registry.preload(needed)
                outcome = _Outcome()
                for number, command in lines:
                    if isinstance(command, RuleViolation):
                        outcome.errors.extend(line_errors(number, command))
                    else:
                        self.line(number, command, outcome)
                    self.report.lines_read += 1
                    if progress is not None:
                        progress(self.report.lines_read)  # read and decided; saved with its chunk
                if not unit.clean():
                    raise _Redo("a refused line left an event in the unit")
                saved = {i: a for i, a in unit.seen.items() if a is not None}
                position = self.registry.flush(unit)
            self._carry(saved)
        except (IntegrityError, _Redo):
            self.carried.clear()  # some may be stale now
            outcome = _Outcome(errors=[e for n, c in lines if isinstance(c, RuleViolation) for e in line_errors(n, c)])
            positions = [self.line(number, command, outcome) for number, command in commands]
            position = max((p for p in positions if p), default=None)
        self._add(outcome, position)

    def _carry(self, saved: dict[UUID, Any]) -> None:
        self.carried.update(saved)
        excess = len(self.carried) - CARRIED
        if excess > 0:  # the oldest go first (not a list of every key carried after each chunk: issue 35)
            for stale in list(itertools.islice(self.carried, excess)):
                del self.carried[stale]

    def line(self, number: int, command: Command, outcome: _Outcome) -> int | None:
        if self._replays_corrected(number):
            outcome.unchanged += 1
            return None
        try:
            cause = Cause(actor=self.actor, request_id=f"pddikti:{self.source}:{number}")
            receipt = dispatch(self.registry, command, cause)
        except DomainError as e:
            outcome.errors.extend(line_errors(number, e))
            return None
        if receipt.position is None:
            outcome.unchanged += 1
        else:
            outcome.applied += 1
        return receipt.position

    def _add(self, outcome: _Outcome, position: int | None) -> None:
        self.report.applied += outcome.applied
        self.report.unchanged += outcome.unchanged
        self.report.errors.extend(outcome.errors)
        if position:
            self.report.last_position = max(self.report.last_position or 0, position)

    def _keys(self, lines: list[tuple[int, Command]]) -> Sealer | None:
        """The chunk's new students' keys at once, when the key store can (infra.keys.KeyVault.prepared)."""
        subjects = [Student.create_id(c.university_code, c.nim) for _, c in lines if isinstance(c, RegisterStudent)]
        sealer = self.registry.sealer
        return sealer.prepared(subjects) if subjects and isinstance(sealer, KeyBatches) else None

    def _replays_corrected(self, number: int) -> bool:
        """A line corrected later in the file is applied, so the history keeps it (PIN-0), unless the
        record already holds the correction: then the file was imported before, and applying the
        earlier line again would only make the correction supersede it once more."""
        final = self.corrected.get(number)
        return final is not None and self._holds(final)

    def _holds(self, final: Command) -> bool:
        if not isinstance(final, ReportSemester | RecordGraduation):
            return False
        student = self.registry.find(Student, Student.create_id(final.university_code, final.nim))
        if student is None:
            return False
        if isinstance(final, ReportSemester):
            return student.reports.get(final.report.period) == final.report
        return student.graduation == final.graduation


def _records_of(command: Command) -> list[UUID]:
    """The aggregates a line's command reads."""
    match command:  # a file's reports first: most of its lines
        case ReportSemester(university_code=u, nim=nim) | RecordGraduation(university_code=u, nim=nim):
            return [Student.create_id(u, nim)]
        case RegisterUniversity(code=code):
            return [University.create_id(code)]
        case RegisterProgramme(university_code=u, prodi_code=p):
            return [University.create_id(u), Programme.create_id(u, p)]
        case RegisterStudent(university_code=u, nim=nim, prodi_code=p):
            return [Programme.create_id(u, p), Student.create_id(u, nim)]
    return []


@runtime_checkable
class KeyBatches(Protocol):
    def prepared(self, subject_ids: Collection[UUID]) -> Sealer: ...


def import_pddikti(
    registry: Registry,
    lines: Iterable[str],
    *,
    actor: Actor,
    source: str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Runs every record of ``lines``, ``CHUNK`` records per transaction; ``progress`` is told the number of
    records read and decided after each one.

    ``source`` identifies the file (e.g. ``source_of(content)``): each line's cause has the request id
    ``pddikti:{source}:{line_number}``, so an auditor can go from any event to its line. A crash loses at
    most the chunk in progress; every command is idempotent, so running the file again completes it.
    """
    return import_records(registry, list(records(lines)), actor=actor, source=source, progress=progress)


def import_records(
    registry: Registry,
    numbered: list[tuple[int, str]],
    *,
    actor: Actor,
    source: str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """``import_pddikti`` of numbered records: the whole file's, or one part of it that holds every line of its
    universities (``application.registry.pddikti_parts``), whose lines keep their numbers in the file."""
    parsed = [_parse(number, text) for number, text in numbered]
    run = _Run(registry, actor, source, _corrections(parsed), ImportReport(source=source))
    for start in range(0, len(parsed), CHUNK):
        run.chunk(parsed[start : start + CHUNK], progress)
    run.report.errors.sort(key=lambda e: e.line_number)
    run.report.tallies = tallies(parsed, dict(numbered), run.corrected, run.report.errors)
    return run.report


def tallies(
    parsed: list[Parsed], texts: dict[int, str], corrected: dict[int, Command], errors: list[LineError]
) -> tuple[UniversityTally, ...]:
    """Each university's accepted, refused and superseded lines, and the first ``MAX_RECORDED_ERRORS`` line errors
    of the file (field and rule only), each under the university its line names."""
    refused_by_line: dict[int, list[LineError]] = {}
    for error in errors:
        refused_by_line.setdefault(error.line_number, []).append(error)
    counts: dict[str | None, list[int]] = {}  # university: [accepted, refused, superseded, unrecorded]
    recorded: dict[str | None, list[RefusedLine]] = {}
    kept = 0
    for number, command in parsed:
        university = _university_of(command, texts[number])
        tally = counts.setdefault(university, [0, 0, 0, 0])
        if number in refused_by_line:
            tally[1] += 1
            for error in refused_by_line[number]:
                if kept < MAX_RECORDED_ERRORS:
                    recorded.setdefault(university, []).append(RefusedLine(number, error.field, error.rule_id))
                    kept += 1
                else:
                    tally[3] += 1
            continue
        tally[0] += 1
        if number in corrected:
            tally[2] += 1
    return tuple(
        UniversityTally(u, accepted, refused, superseded, tuple(recorded.get(u, ())), unrecorded)
        for u, (accepted, refused, superseded, unrecorded) in sorted(counts.items(), key=lambda i: i[0] or "")
    )


def _university_of(command: Command | RuleViolation, text: str) -> str | None:
    """The university a line is about: its command's, or for a line refused as it was read, the code its
    ``university`` field (``code`` for a university line) holds, if that is one."""
    match command:
        case RegisterUniversity(code=code):
            return code
        case RuleViolation():
            return university_of_line(text)
    return command.university_code


def university_of_line(text: str) -> str | None:
    """The university code a record's ``university`` field (``code`` for a university line) holds, as the import
    reads it, or None if it holds none: such a line is refused as it is read."""
    try:
        raw = json.loads(text)
        value = raw.get("code" if raw.get("kind") == "university" else "university")
        return UniversityCode.parse(value).value if isinstance(value, str) else None
    except (ValueError, AttributeError, RuleViolation):
        return None


def digest(content: bytes) -> str:
    """A file's SHA-256, in hex: its run's record names it, and its first 16 digits are its ``source``."""
    return hashlib.sha256(content).hexdigest()


def source_of(content: bytes) -> str:
    """A file's identity in request ids: the first 16 hex digits of its SHA-256."""
    return digest(content)[:16]


def import_file(
    registry: Registry, path: Path, *, actor: Actor, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Imports the file, then records what it did (issue 32): the file's digest, each university's counts and the
    first line errors, for the operators to read."""
    content = path.read_bytes()
    sha256 = digest(content)  # once: a file of millions of lines takes a while to hash
    report = import_pddikti(registry, file_lines(content), actor=actor, source=sha256[:16], progress=progress)
    return record_run(registry, sha256, report, actor=actor)


def file_lines(content: bytes) -> list[str]:
    return content.decode("utf-8-sig").splitlines()


def record_run(registry: Registry, sha256: str, report: ImportReport, *, actor: Actor) -> ImportReport:
    """Records what an import of the file whose ``digest`` is ``sha256`` did (issue 32), once its every line is
    decided."""
    cause = Cause(actor=actor, request_id=f"pddikti:{report.source}")
    receipt = registry.record_import(sha256=sha256, lines_read=report.lines_read, tallies=report.tallies, cause=cause)
    if receipt.position:
        report.last_position = max(report.last_position or 0, receipt.position)
    return report
