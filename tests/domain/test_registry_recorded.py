"""PIN-0: what each registry decision records, on the aggregates alone: the university, the prodi or NIM it is about
and what was decided (a read model and an audit read them from the event, not from the aggregate)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from domain.personal import Sealed
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.registry.pddikti_import import MAX_RECORDED_ERRORS
from domain.registry.period import Period
from domain.registry.record import Graduation
from domain.registry.student import Student
from tests.domain.test_aggregate_rules import TODAY, PlainSealer, informatika, registered, student
from tests.world import ADMIN, OPERATOR, PRODI, UNIVERSITY, report


def test_PIN_0_an_accreditation_records_its_university_and_prodi() -> None:
    programme = informatika()
    accreditation = Accreditation("UNGGUL", date(2020, 1, 1), date(2024, 12, 31))
    programme.record_accreditation(accreditation, ADMIN)
    recorded = programme.collect_events()[-1]
    assert (recorded.university_code, recorded.prodi_code, recorded.accreditation) == (  # type: ignore[attr-defined]
        UNIVERSITY,
        PRODI,
        accreditation,
    )


def test_PIN_0_each_decision_on_a_student_records_its_university_and_nim() -> None:
    s = student()
    s.collect_events()
    reported = report("20201", passed=20)
    graduation = Graduation("SK/1", date(2024, 7, 20))
    diploma_id = uuid.uuid4()
    s.report_semester(reported, TODAY, OPERATOR)
    s.withdraw_semester_report(Period.parse("20201"), replace(OPERATOR, reason="reported in error"))
    s.record_graduation(graduation, TODAY, OPERATOR)
    s.rely_on_record(decision="reserve_nina", diploma_id=diploma_id, nina="0010020000001", cause=OPERATOR)
    s.erase_personal_data(replace(OPERATOR, reason="end of retention"))
    events = s.collect_events()
    assert [type(e) for e in events] == [
        Student.SemesterReported,
        Student.SemesterReportWithdrawn,
        Student.GraduationRecorded,
        Student.RecordReliedOn,
        Student.PersonalDataErased,
    ]
    assert all((e.university_code, e.nim) == (UNIVERSITY, "2020001") for e in events)  # type: ignore[attr-defined]
    reported_, withdrawn, graduated, relied, _ = events
    assert reported_.report == reported  # type: ignore[attr-defined]
    assert withdrawn.period == Period.parse("20201")  # type: ignore[attr-defined]
    assert graduated.graduation == graduation  # type: ignore[attr-defined]
    assert (relied.decision, relied.diploma_id, relied.nina) == (  # type: ignore[attr-defined]
        "reserve_nina",
        diploma_id,
        "0010020000001",
    )


def test_PIN_0_a_programme_registered_again_without_an_accreditation_keeps_its_accreditations() -> None:
    programme = informatika()
    programme.register_again(
        name="Informatika", level=Level.S1, orientation=Orientation.ACADEMIC, accreditation=None, cause=ADMIN
    )
    assert programme.accreditations == []
    assert programme.collect_events()[1:] == []  # the same name and no accreditation: nothing recorded


def test_an_import_records_at_most_1000_line_errors() -> None:
    assert MAX_RECORDED_ERRORS == 1000  # the importer records the first 1000 and counts the rest (issue 32)


def test_a_semester_report_records_the_event_the_library_s_trigger_event_records() -> None:
    """``Student._semester_reported`` builds its event without the library's ``trigger_event`` (issue 35): the same
    event, its fields in the same order (the stored state's order), applied alike."""
    made, library = student(), student()
    reported = report("20201", passed=20)
    made._semester_reported(UNIVERSITY, "2020001", reported, False, OPERATOR)
    library.trigger_event(
        Student.SemesterReported,
        university_code=UNIVERSITY,
        nim="2020001",
        report=reported,
        supersedes=False,
        cause=OPERATOR,
    )
    event, expected = made.pending_events[-1], library.pending_events[-1]
    assert type(event) is type(expected)
    assert list(vars(event)) == list(vars(expected))
    assert {**vars(event), "timestamp": None} == {**vars(expected), "timestamp": None}
    assert event.timestamp.tzinfo == expected.timestamp.tzinfo  # type: ignore[attr-defined]
    assert (made.version, made.modified_on, made.reports) == (library.version, event.timestamp, library.reports)  # type: ignore[attr-defined]
    assert len(made.pending_events) == len(library.pending_events)


def test_a_registration_records_the_event_the_library_s_constructor_records() -> None:
    """``Student.register`` creates the student by the library's ``_create`` with its id (issue 35): the same event
    and student as ``Student(...)`` makes."""
    made = registered(PlainSealer())
    student_id = Student.create_id(UNIVERSITY, "2020001")
    library = Student(
        university_code=UNIVERSITY,
        nim="2020001",
        prodi_code=PRODI,
        entry_period=Period.parse("20201"),
        identity_kind="NIK",
        personal=Sealed(student_id, str(student_id)),
        cause=OPERATOR,
    )
    event, expected = made.pending_events[0], library.pending_events[0]
    assert (type(event), list(vars(event))) == (type(expected), list(vars(expected)))
    assert {**vars(event), "timestamp": None} == {**vars(expected), "timestamp": None}
    assert {**vars(made), "_created_on": None, "_modified_on": None, "_pending_events": None} == {
        **vars(library),
        "_created_on": None,
        "_modified_on": None,
        "_pending_events": None,
    }
