"""A student's academic record as reported to PDDIKTI (PIN-0)."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanSnapshotAggregate, DomainEvent, event

from domain.audit import Cause
from domain.creation import trigger
from domain.errors import violation
from domain.ids import url_id
from domain.personal import PersonalData, Sealed, Sealer
from domain.registry.level import Level
from domain.registry.period import Period
from domain.registry.record import AcademicRecord, Graduation, SemesterReport

# A report's period as the tuple Period orders by (year, then term), read in C: sorting by it calls no Period method
# (a decision's record sorted by Period called its __lt__ and __hash__ in Python, a few per report: issue 35).
_in_period_order = operator.attrgetter("period.year", "period.term")


@dataclass(frozen=True)
class StudentState:
    """A student as it stood at one version, every field declared, so that the typed transcoder stores it natively and
    reads it back exactly (``infra.typed_state``): the reports as a tuple in the record's order, since JSON keys a
    dict by text only. A field added to the aggregate is added here too, with a default so that the snapshots
    already stored still load (tests/application/test_student_snapshots.py compares a snapshot's student with the
    events' whole, attribute for attribute)."""

    university_code: str
    nim: str
    prodi_code: str
    entry_period: Period
    identity_kind: str | None
    personal: Sealed
    reports: tuple[SemesterReport, ...]
    graduation: Graduation | None
    erased: bool
    created_on: datetime
    modified_on: datetime


class Student(Aggregate):
    """Mahasiswa, identified by university code and NIM."""

    class Snapshot(CanSnapshotAggregate[UUID], DomainEvent):
        """A typed snapshot (issue 35): a reservation reads the student whole, and decoding and replaying its
        registration and semester reports was a fifth of the command's CPU; this state decodes in half the time.
        Not an aggregate event: it is stored only in the snapshots table, never in the log."""

        topic: str
        state: StudentState

        @classmethod
        def take(cls, aggregate: Any) -> Student.Snapshot:
            s: Student = aggregate
            state = StudentState(
                university_code=s.university_code,
                nim=s.nim,
                prodi_code=s.prodi_code,
                entry_period=s.entry_period,
                identity_kind=s.identity_kind,
                personal=s.personal,
                reports=tuple(s.reports.values()),
                graduation=s.graduation,
                erased=s.erased,
                created_on=s.created_on,
                modified_on=s.modified_on,
            )
            return cls(  # type: ignore[call-arg]  # the library declares its fields for dataclasses only
                originator_id=s.id,
                originator_version=s.version,
                timestamp=cls.create_timestamp(),
                topic=f"{type(s).__module__}:{type(s).__qualname__}",  # as the library's get_topic names it
                state=state,
            )

        def mutate(self, _: Any) -> Student:
            """The student as its events would leave it, attribute for attribute, in the same order."""
            s = self.state
            student: Student = object.__new__(Student)
            student.__dict__.update(
                _id=self.originator_id,
                _version=self.originator_version,
                _created_on=s.created_on,
                _modified_on=s.modified_on,
                _pending_events=[],
                university_code=s.university_code,
                nim=s.nim,
                prodi_code=s.prodi_code,
                entry_period=s.entry_period,
                identity_kind=s.identity_kind,
                personal=s.personal,
                reports={r.period: r for r in s.reports},
                graduation=s.graduation,
                erased=s.erased,
            )
            return student

    class Registered(Aggregate.Created):
        university_code: str
        nim: str
        prodi_code: str
        entry_period: Period
        identity_kind: str | None  # "NIK" or "PASSPORT": whether, not which, is rule input
        personal: Sealed
        cause: Cause

    class SemesterReported(Aggregate.Event):
        """Laporan semester. A report for an already reported period supersedes it (PIN-0).

        Applied by its own ``apply`` rather than an ``@event`` method: an import triggers one per report, and the
        decorator's matching of arguments to parameters (twice per event, when triggered and when applied) was a
        third of the aggregate's cost per report (issue 35). The topic and the stored fields are unchanged."""

        university_code: str
        nim: str
        report: SemesterReport
        supersedes: bool
        cause: Cause

        def apply(self, aggregate: Student) -> None:
            aggregate.reports[self.report.period] = self.report

    class SemesterReportWithdrawn(Aggregate.Event):
        """Penarikan laporan semester: a report made in error (a mistyped period) no longer counts (PIN-0).

        The report stays in the history; the cause carries the required reason."""

        university_code: str
        nim: str
        period: Period
        cause: Cause

    class GraduationRecorded(Aggregate.Event):
        """Yudisium; a later one with another decree corrects the earlier."""

        university_code: str
        nim: str
        graduation: Graduation
        cause: Cause

    class PersonalDataErased(Aggregate.Event):
        """Penghapusan data pribadi (UU PDP 27/2022): the key of the sealed data is destroyed after this."""

        university_code: str
        nim: str
        cause: Cause

    class RecordReliedOn(Aggregate.Event):
        """A decision on the diploma (a NINA reservation or pairing) was taken on this record as it stood.

        Saved in the same transaction as the decision: a correction committed after the record was read
        takes this version first, the save fails, and the decision is taken again on the corrected record.
        The decision's own event keeps what it saw (PIN-8); this one ties it to the record's version. It changes
        nothing else, so it has no ``apply`` and no @event method: one per decision, it skips the decorator's
        matching of arguments to parameters (issue 35); the topic and the stored fields are unchanged."""

        university_code: str
        nim: str
        decision: str  # the decision's event, e.g. "Diploma.NINAReserved"
        diploma_id: UUID
        nina: str
        cause: Cause

    @event(Registered)
    def __init__(
        self,
        university_code: str,
        nim: str,
        prodi_code: str,
        entry_period: Period,
        identity_kind: str | None,
        personal: Sealed,
        cause: Cause,
    ) -> None:
        self.university_code = university_code
        self.nim = nim
        self.prodi_code = prodi_code
        self.entry_period = entry_period
        self.identity_kind = identity_kind
        self.personal = personal
        self.reports: dict[Period, SemesterReport] = {}
        self.graduation: Graduation | None = None
        self.erased = False

    @classmethod
    def register(
        cls,
        *,
        university_code: str,
        nim: str,
        prodi_code: str,
        entry_period: Period,
        personal: PersonalData,
        today: date,
        sealer: Sealer,
        cause: Cause,
    ) -> Student:
        """PIN-0: studies begin in a regular semester that has started; the personal data is sealed (UU PDP)."""
        if entry_period.is_short:  # a short semester has no place in the count of semesters (PIN-2)
            raise violation(
                "PIN-0", "entryPeriod", f"the entry period is a regular semester (T = 1 or 2); got {entry_period}"
            )
        entry_period.check_started(today, field="entryPeriod")
        student_id = cls.create_id(university_code, nim)
        # What ``cls(...)`` does (its one created event is Registered), given the id: the library would derive it
        # again by ``create_id`` with keywords, which its cache keeps apart from this call's (issue 35).
        return cls._create(
            cls.Registered,
            id=student_id,
            university_code=university_code,
            nim=nim,
            prodi_code=prodi_code,
            entry_period=entry_period,
            identity_kind="NIK" if personal.nik else "PASSPORT" if personal.passport_number else None,
            personal=sealer.seal(student_id, personal),
            cause=cause,
        )

    def register_again(self, *, prodi_code: str, entry_period: Period, personal: PersonalData, sealer: Sealer) -> None:
        """PIN-0: a re-sent registration changes nothing, and must say what the record says.

        An erased student's is ignored: a re-sent feed does not bring erased data back (UU PDP)."""
        if self.erased:
            return
        if (self.prodi_code, self.entry_period) != (prodi_code, entry_period):
            raise violation(
                "PIN-0",
                "nim",
                f"NIM {self.nim} is already registered in prodi {self.prodi_code} from {self.entry_period}",
            )
        if sealer.unseal(self.personal) != personal:
            raise violation("PIN-0", "nim", f"NIM {self.nim} is registered with other personal data")

    @staticmethod
    @functools.lru_cache(maxsize=1 << 14)  # a line's import derives it three times over (issue 35)
    def create_id(university_code: str, nim: str) -> UUID:
        return url_id(f"/universities/{university_code}/students/{nim}")

    def report_semester(self, report: SemesterReport, today: date, cause: Cause) -> bool:
        """PIN-0: one report per semester; a differing one supersedes, an identical one is a no-op."""
        report.check(self.entry_period, today)
        current = self.reports.get(report.period)
        if current == report:
            return False
        self._semester_reported(self.university_code, self.nim, report, current is not None, cause)
        return True

    def _semester_reported(
        self, university_code: str, nim: str, report: SemesterReport, supersedes: bool, cause: Cause
    ) -> None:
        """Records the report, unchecked (``SemesterReported.apply`` adds it to the record). Triggered the cheaper way
        (domain/creation.py): one per report line an import reads (issue 35)."""
        trigger(
            self,
            self.SemesterReported,
            university_code=university_code,
            nim=nim,
            report=report,
            supersedes=supersedes,
            cause=cause,
        )

    def withdraw_semester_report(self, period: Period, cause: Cause) -> None:
        """PIN-0: an operator withdraws a report made in error, saying why; the rules then see the record
        without it. A period that has no report is refused, so a mistyped withdrawal changes nothing."""
        if not (cause.reason or "").strip():
            raise violation("PIN-0", "reason", "a withdrawn report records why it was wrong")
        if period not in self.reports:
            raise violation("PIN-0", "period", f"NIM {self.nim} has no report for {period} to withdraw")
        self._semester_report_withdrawn(university_code=self.university_code, nim=self.nim, period=period, cause=cause)

    @event(SemesterReportWithdrawn)
    def _semester_report_withdrawn(self, university_code: str, nim: str, period: Period, cause: Cause) -> None:
        self.reports.pop(period, None)

    def record_graduation(self, graduation: Graduation, today: date, cause: Cause) -> bool:
        if not graduation.decree_number.strip():
            raise violation("PIN-0", "yudisiumNumber", "the yudisium decree number is required")
        if graduation == self.graduation:
            return False
        if graduation.decree_date.year < self.entry_period.year:
            raise violation("PIN-0", "yudisiumDate", "graduation is dated before the entry period")
        if graduation.decree_date > today:  # a future yudisium would let PIN-3 judge accreditation in advance
            raise violation("PIN-0", "yudisiumDate", f"the yudisium {graduation.decree_date} is after today ({today})")
        self._graduation_recorded(
            university_code=self.university_code, nim=self.nim, graduation=graduation, cause=cause
        )
        return True

    @event(GraduationRecorded)
    def _graduation_recorded(self, university_code: str, nim: str, graduation: Graduation, cause: Cause) -> None:
        self.graduation = graduation

    def erase_personal_data(self, cause: Cause) -> bool:
        """Records why and by whom; the application then destroys the key. Erasing twice changes nothing."""
        if not (cause.reason or "").strip():
            raise violation("PDP.erasure", "reason", "an erasure records its ground (end of retention, or a request)")
        if self.erased:
            return False
        self._personal_data_erased(university_code=self.university_code, nim=self.nim, cause=cause)
        return True

    @event(PersonalDataErased)
    def _personal_data_erased(self, university_code: str, nim: str, cause: Cause) -> None:
        self.erased = True

    def rely_on_record(self, *, decision: str, diploma_id: UUID, nina: str, cause: Cause) -> None:
        """Called by the command that decides on this record, before it saves the decision with the student."""
        self._record_relied_on(
            university_code=self.university_code,
            nim=self.nim,
            decision=decision,
            diploma_id=diploma_id,
            nina=nina,
            cause=cause,
        )

    def _record_relied_on(
        self, university_code: str, nim: str, decision: str, diploma_id: UUID, nina: str, cause: Cause
    ) -> None:
        """Only the version moves: that is what a concurrent correction collides with. Triggered the cheaper way
        (domain/creation.py): one per decision (issue 35)."""
        trigger(
            self,
            self.RecordReliedOn,
            university_code=university_code,
            nim=nim,
            decision=decision,
            diploma_id=diploma_id,
            nina=nina,
            cause=cause,
        )

    def record(self, level: Level, *, accredited_at_graduation: bool) -> AcademicRecord:
        """``AcademicRecord(level=..., ...)`` less its frozen ``__init__``, which sets a field at a time through
        ``object.__setattr__``: the same fields in the same order, so the same value (one per decision, issue 35)."""
        record = object.__new__(AcademicRecord)
        record.__dict__.update(
            level=level,
            entry_period=self.entry_period,
            reports=tuple(sorted(self.reports.values(), key=_in_period_order)),
            has_identity_number=self.identity_kind is not None,
            graduation=self.graduation,
            accredited_at_graduation=accredited_at_graduation,
        )
        return record
