"""PIN-2, PIN-3, PIN-8: a decision is never saved on a record that was corrected after it was read.

A reservation or pairing loads the student, decides, and saves; here a correction is committed by another
command in exactly that gap. The decision's save must fail on the student's version and the command rerun
on the corrected record, on SQLite and PostgreSQL (issue 16, item 8).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from application.diploma.diplomas import Diplomas
from domain.diploma.diploma import Diploma, NotEligible
from domain.registry.record import Graduation
from domain.registry.student import Student
from tests.world import UNIVERSITY, World, cause, regular_periods, report


def correct_once_between_load_and_save(world: World, correction: Callable[[], Any]) -> list[int]:
    """Runs ``correction`` once, after the command has read the record and before it saves its decision.

    Returns the list of decisions taken (one entry per run of the command's body)."""
    app = world.app
    runs: list[int] = []
    original = Diplomas._academic_record

    def read_then_correct(self: Diplomas, student: Student, **kw: Any) -> Any:
        read = original(self, student, **kw)
        runs.append(student.version)
        if len(runs) == 1:
            correction()  # its own command and transaction: the record moves on under the decision
        return read

    app._academic_record = read_then_correct.__get__(app)  # type: ignore[method-assign]
    return runs


def test_PIN_2_a_withdrawal_committed_between_load_and_save_makes_the_reservation_rerun_and_refuse(
    world: World,
) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.semesters("2020001", 6, passed=120)  # S1 under PISN: 6 semesters, 120 sks: just eligible
    last = regular_periods("20201", 6)[-1]
    withdraw = lambda: world.app.withdraw_semester_report(  # noqa: E731
        university_code=UNIVERSITY, nim="2020001", period=last, reason="salah periode", cause=cause()
    )
    runs = correct_once_between_load_and_save(world, withdraw)

    with pytest.raises(NotEligible) as refused:
        world.reserve("2020001")

    assert len(runs) == 2 and runs[1] == runs[0] + 1  # read again, one version on
    assert refused.value.rule_ids  # the rule that the corrected record breaks is named
    events = world.events()
    assert not [e for e in events if isinstance(e, Diploma.NINAReserved | Student.RecordReliedOn)]
    assert [e for e in events if isinstance(e, Student.SemesterReportWithdrawn)]


def test_PIN_8_a_report_corrected_between_load_and_save_is_what_the_reservation_records(world: World) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.semesters("2020001", 8)
    last = regular_periods("20201", 8)[-1]
    correct = lambda: world.report("2020001", report(last, sks=20, ipk="3.10", passed=160))  # noqa: E731
    runs = correct_once_between_load_and_save(world, correct)

    nina = world.reserve("2020001").nina

    assert len(runs) == 2
    [reserved] = [e for e in world.events() if isinstance(e, Diploma.NINAReserved)]
    assert reserved.nina.value == nina
    assert "3.10" in reserved.decision.inputs.values()  # decided on the corrected IPK, not the one first read
    [relied] = [e for e in world.events() if isinstance(e, Student.RecordReliedOn)]
    assert (relied.decision, relied.diploma_id, relied.nina) == ("Diploma.NINAReserved", reserved.originator_id, nina)
    student = world.app.repository.get(Student.create_id(UNIVERSITY, "2020001"))
    assert relied.originator_version == student.version  # the last thing that happened to the record


def test_PIN_3_a_graduation_corrected_between_load_and_save_makes_the_pairing_rerun_on_it(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    nina = world.reserve("2020001").nina
    world.graduate("2020001", on=date(2024, 7, 20), number="SK/YUD/2024/07")
    corrected = Graduation("SK/YUD/2024/07-REV", date(2024, 7, 22))
    correct = lambda: world.app.record_graduation(  # noqa: E731
        university_code=UNIVERSITY, nim="2020001", graduation=corrected, cause=cause()
    )
    runs = correct_once_between_load_and_save(world, correct)

    world.pair("2020001", nina)

    assert len(runs) == 2
    [paired] = [e for e in world.events() if isinstance(e, Diploma.NINAPaired)]
    assert paired.graduation == corrected
    relied = [e for e in world.events() if isinstance(e, Student.RecordReliedOn)]
    assert [r.decision for r in relied] == ["Diploma.NINAReserved", "Diploma.NINAPaired"]
