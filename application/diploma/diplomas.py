"""Diplomas: NINA reservation and pairing (PIN-1..3, PIN-8) and annulment (PIN-5), on the registry's records.

The diploma context shares the registry's store: a decision is saved in one transaction with the
records it read, so a record corrected in between makes it rerun (``_academic_record``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from application.authorization import NUMBERING_OPERATORS, require
from application.diploma.annulment import Annulments
from application.diploma.receipt import NinaReceipt
from application.registry.registry import Registry
from domain.audit import Cause
from domain.diploma.diploma import Diploma, not_reserved
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim, NINASequence
from domain.diploma.ruleset import RulesetBook
from domain.errors import NotFound
from domain.registry.codes import student_key
from domain.registry.programme import Programme
from domain.registry.record import AcademicRecord
from domain.registry.student import Student


class Diplomas(Annulments, Registry):  # PIN-5 commands: application/diploma/annulment.py
    name = "diplomas"
    # An event per NINA: a graduation rush would otherwise replay thousands per reservation (issue 8). A student's
    # registration and semester reports are read whole by every reservation: from a typed snapshot, taken when its
    # history passes each eighth event (an import's chunk or a command's save), they decode in half the time
    # (issue 35). Every eighth, not every save: an import ordered by semester touches each student in every chunk.
    snapshot_every: ClassVar[dict[type[Aggregate], int]] = {NINASequence: 20, Student: 8}

    def __init__(self, env: dict[str, str] | None = None, *, rulesets: RulesetBook, **kw: Any):
        super().__init__(env, **kw)
        self.rulesets = rulesets

    # Numbering (PIN-1, PIN-2, PIN-3, PIN-8) ---------------------------------------------------

    def reserve_nina(self, *, university_code: str, nim: str, cause: Cause) -> NinaReceipt:
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, NUMBERING_OPERATORS, university_code)

        first_read: list[tuple[Student, Diploma | None]] = []

        def sequence_name() -> str:
            # PIN-1: the reservations of one sequence (university, programme, year) take turns in this process; other
            # sequences' go on meanwhile. The turn only spares reruns: uniqueness is the sequence's version and the
            # claim (a year turning at midnight, or a programme changed meanwhile, only means a rerun).
            first_read.append(self._lent_record(university_code, nim))
            return f"nina-sequences/{university_code}/{first_read[0][0].prodi_code}/{self.today().year}"

        def command() -> NinaReceipt:
            # The first run is the one ``sequence_name`` read for (``retrying``): what it read is what ``_lent_record``
            # would give again (the same objects, held by the run); a rerun reads afresh (issue 35).
            reserving, diploma = first_read.pop() if first_read else self._lent_record(university_code, nim)
            if diploma is not None:
                diploma.check_reservable()  # PIN-2.once, PIN-5.void: the same answer as ninaEligibility
            # The sequence is written by the decision too, so a stale copy would conflict. The programme enters a
            # reservation by its level (never changed) and, once the student graduated, by its accreditation, which is
            # then an input of the decision even when it refuses nothing: read afresh then, else lent (below). While
            # no other process is seen writing them, both come as this process left them, without a read. A stale
            # programme refuses exactly what a fresh one would (its level never changes); a stale sequence does not:
            # its next number may be one annulled elsewhere meanwhile (PIN-5.reuse), or it may not know it is full
            # (PIN-1 comes before PIN-2). A refusal that may rest on it is decided again on fresh state.
            lent, today = reserving.graduation is None, self.today()  # one day for the sequence and the ruleset
            sequence_id = NINASequence.create_id(university_code, reserving.prodi_code, today.year)
            programme_id = Programme.create_id(university_code, reserving.prodi_code)
            as_left = (sequence_id, programme_id) if lent else (sequence_id,)
            alike = (programme_id,) if lent else ()
            self.prefetch(programme_id, sequence_id, shelved_only=(sequence_id,), as_left=as_left, refuses_alike=alike)
            programme, record = self._academic_record(reserving, lent=lent)
            sequence = self.lend(NINASequence, sequence_id) or NINASequence(
                university_code=university_code, prodi_code=programme.prodi_code, year=today.year, cause=cause
            )
            ruleset = self.rulesets.in_force(today)
            if diploma is not None:  # annulled: a new number from the sequence, never the old one (PIN-5)
                diploma.reserve_again(nina=sequence.claim_next(cause), ruleset=ruleset, record=record, cause=cause)
            else:
                diploma = Diploma.reserve(
                    university_code=university_code,
                    prodi_code=programme.prodi_code,
                    nim=nim,
                    student_id=reserving.id,
                    nina=sequence.claim_next(cause),
                    ruleset=ruleset,
                    record=record,
                    cause=cause,
                )
            diploma_id, nina = diploma.id, diploma.nina
            claim = NINAClaim(university_code=university_code, nina=nina, diploma_id=diploma_id, cause=cause)
            reserving.rely_on_record(
                decision="Diploma.NINAReserved", diploma_id=diploma_id, nina=nina.value, cause=cause
            )
            position = self.commit(sequence, diploma, claim, reserving)
            return NinaReceipt(self.name, position, nina=nina.value, status=diploma.status.value)

        return self.retrying(command, serial=sequence_name)

    def pair_nina(self, *, university_code: str, nim: str, nina: str, cause: Cause) -> NinaReceipt:
        university_code, nim = student_key(university_code, nim)
        require(cause.actor, NUMBERING_OPERATORS, university_code)

        def command() -> NinaReceipt:
            student, diploma = self._lent_record(university_code, nim)
            given = NINA.parse(nina, prodi_code=student.prodi_code)  # PIN-1 before any decision
            if diploma is None:
                raise not_reserved(nim)
            _, record = self._academic_record(student, lent=True)
            today = self.today()
            diploma.pair(
                nina=given,
                ruleset=self.rulesets.in_force(today),
                record=record,
                holder=student.personal,
                on=today,
                cause=cause,
            )
            student.rely_on_record(decision="Diploma.NINAPaired", diploma_id=diploma.id, nina=given.value, cause=cause)
            position = self.commit(diploma, student)
            return NinaReceipt(self.name, position, nina=given.value, status=diploma.status.value)

        return self.retrying(command)

    def _lent_record(self, university_code: str, nim: str) -> tuple[Student, Diploma | None]:
        """The student and their diploma, if any, read together or lent (application/lending.py): a numbering
        decision writes both, so a stale copy would conflict and the command rerun on fresh state."""
        student_id, diploma_id = Student.create_id(university_code, nim), Diploma.create_id(university_code, nim)
        self.prefetch(student_id, diploma_id)
        student = self.lend(Student, student_id)
        if student is None:
            raise NotFound("student", f"{university_code}/{nim}")
        return student, self.lend(Diploma, diploma_id)

    def _academic_record(self, student: Student, *, lent: bool = False) -> tuple[Programme, AcademicRecord]:
        """The record a decision reads. The student is saved with the decision (``rely_on_record``), so a
        correction committed meanwhile makes the command rerun. The programme is not: its level never changes
        (``Programme.register_again``) and accreditations are only added, which can turn a refusal into an
        acceptance but never take an accepted decision's ground away; so a pairing may take it ``lent`` (a stale
        copy can only refuse, the accreditation pairing needs, PIN-3, and a refusal on a lent copy is decided again on
        fresh state)."""
        programme_id = Programme.create_id(student.university_code, student.prodi_code)
        programme = self.lend(Programme, programme_id) if lent else self.read(Programme, programme_id)
        if programme is None:
            raise NotFound("prodi", student.prodi_code)
        graduated_on = student.graduation.decree_date if student.graduation else None
        accredited = graduated_on is not None and programme.accredited_on(graduated_on)
        return programme, student.record(programme.level, accredited_at_graduation=accredited)
