"""The bulk PDDIKTI import (PIN-0): a generated cohort, idempotent re-import, bad rows, corrections."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from application.registry.pddikti_import import (
    NOT_AUTHORIZED,
    ImportReport,
    import_file,
    import_pddikti,
    parse_line,
    source_of,
)
from domain.audit import Actor, Role
from domain.errors import RuleViolation
from domain.registry.period import Period
from domain.registry.programme import Programme
from domain.registry.student import Student
from domain.registry.university import University
from infra.demo_data import write_cohort
from tests.world import PRODI, UNIVERSITY, World

SYNC = Actor("pddikti-import", Role.PDDIKTI_SYNC, None)

UNIVERSITY_LINE = {"kind": "university", "code": UNIVERSITY, "name": "Universitas Contoh"}
PROGRAMME_LINE = {
    "kind": "programme",
    "university": UNIVERSITY,
    "prodi": PRODI,
    "name": "Informatika",
    "level": "S1",
    "orientation": "academic",
    "accreditation": {"grade": "UNGGUL", "valid_from": "2019-01-01", "valid_until": "2029-12-31"},
}


def student_line(nim: str = "2020001", **changes: Any) -> dict[str, Any]:
    line = {
        "kind": "student",
        "university": UNIVERSITY,
        "nim": nim,
        "prodi": PRODI,
        "entry_period": "20201",
        "full_name": "Siti Aminah",
        "nik": "3171234567890001",
        "passport_number": None,
        "birth_place": "Jakarta",
        "birth_date": "2002-03-04",
        "email": None,
    }
    return {**line, **changes}


def semester_line(period: str, nim: str = "2020001", **changes: Any) -> dict[str, Any]:
    line = {
        "kind": "semester",
        "university": UNIVERSITY,
        "nim": nim,
        "period": period,
        "status": "A",
        "sks_taken": 20,
        "ips": "3.50",
        "ipk": "3.50",
        "sks_passed": 20,
    }
    return {**line, **changes}


def jsonl(*lines: dict[str, Any] | str) -> list[str]:
    return [line if isinstance(line, str) else json.dumps(line) for line in lines]


def run(world: World, lines: list[str], source: str = "test", actor: Actor = SYNC) -> ImportReport:
    return import_pddikti(world.app, lines, actor=actor, source=source)


def small_cohort(tmp_path: Path, seed: int = 2024) -> Path:
    path = tmp_path / "cohort.jsonl"
    write_cohort(path, universities=1, programmes_per_university=2, students_per_programme=5, seed=seed)
    return path


def rows_of(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def student(world: World, nim: str, university: str = UNIVERSITY) -> Student:
    aggregate: object = world.app.repository.get(Student.create_id(university, nim))
    assert isinstance(aggregate, Student)
    return aggregate


def as_line(university: str, nim: str, report: Any) -> dict[str, Any]:
    return semester_line(
        report.period.code,
        nim,
        university=university,
        status=report.status.value,
        sks_taken=report.sks_taken,
        ips=str(report.ips),
        ipk=str(report.ipk),
        sks_passed=report.sks_passed,
    )


def effective_reports(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """What the file says each student's record is: per period, the last line wins (PIN-0)."""
    reports: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in rows:
        if row["kind"] == "semester":
            reports.setdefault((row["university"], row["nim"]), {})[row["period"]] = row
    return reports


def gaps(entry: str, periods: set[str]) -> list[str]:
    regular = [Period.parse(p) for p in periods if not p.endswith("3")]
    return [p.code for p in Period.parse(entry).regular_until(max(regular)) if p.code not in periods]


# A generated cohort ---------------------------------------------------------------------------


def test_importing_a_generated_cohort_registers_its_universities_programmes_and_students(
    world: World, tmp_path: Path
) -> None:
    path = small_cohort(tmp_path)
    rows = rows_of(path)
    done: list[int] = []

    report = import_file(world.app, path, actor=SYNC, progress=done.append)

    assert report.errors == []
    assert (report.lines_read, report.applied, report.unchanged) == (len(rows), len(rows), 0)
    assert report.last_position == world.position()
    assert report.source == source_of(path.read_bytes())
    assert done == list(range(1, len(rows) + 1))
    for row in rows:
        if row["kind"] == "university":
            assert world.app.repository.get(University.create_id(row["code"])).name == row["name"]
        if row["kind"] == "programme":
            assert world.app.repository.get(Programme.create_id(row["university"], row["prodi"])).level == row["level"]
    expected = effective_reports(rows)
    students = [row for row in rows if row["kind"] == "student"]
    assert len(students) == 10
    for row in students:
        record = student(world, row["nim"], row["university"])
        assert (record.prodi_code, record.entry_period.code) == (row["prodi"], row["entry_period"])
        actual = {p.code: as_line(row["university"], row["nim"], r) for p, r in record.reports.items()}
        assert actual == expected[(row["university"], row["nim"])]


def test_importing_the_same_file_twice_changes_no_record_the_second_time(world: World, tmp_path: Path) -> None:
    path = small_cohort(tmp_path)
    rows = rows_of(path)
    periods = [(r["nim"], r["period"]) for r in rows if r["kind"] == "semester"]
    assert len(periods) > len(set(periods)), "the cohort should carry a corrected report"
    first = import_file(world.app, path, actor=SYNC)
    before = world.position()

    second = import_file(world.app, path, actor=SYNC)

    assert world.position() == before + 1  # the second run's own record (issue 32), and no record changed
    assert (second.lines_read, second.applied, second.unchanged) == (first.lines_read, 0, first.lines_read)
    assert second.errors == [] and second.last_position == before + 1
    assert sum(t.accepted for t in second.tallies) == second.lines_read and second.tallies == first.tallies


def test_a_generated_semester_gap_is_what_fails_PIN_2_reported_once_projected(world: World, tmp_path: Path) -> None:
    path = small_cohort(tmp_path, seed=7)
    rows = rows_of(path)
    report = import_file(world.app, path, actor=SYNC)
    world.project()
    world.container.services.wait("eligibility", report.last_position)

    reports = effective_reports(rows)
    planted, reservable = 0, 0
    for row in (r for r in rows if r["kind"] == "student"):
        missing = gaps(row["entry_period"], set(reports[(row["university"], row["nim"])]))
        seen = world.container.services.diploma.eligibility.eligibility(
            row["university"], row["nim"], world.app.today()
        )
        assert seen is not None
        failed = {f.rule_id for f in seen.reservation.failures}
        assert ("PIN-2.reported" in failed) == bool(missing), (row["nim"], missing, failed)
        planted += bool(missing)
        reservable += seen.reservation.allowed
    assert planted >= 1 and reservable >= 1


# Bad rows -------------------------------------------------------------------------------------


def test_a_file_with_bad_rows_reports_each_by_line_number_and_rule_while_the_good_rows_apply(world: World) -> None:
    lines = jsonl(
        "# a university's export",  # 1
        UNIVERSITY_LINE,  # 2
        PROGRAMME_LINE,  # 3
        student_line("2020001"),  # 4
        "",  # 5
        semester_line("20201"),  # 6
        semester_line("20202", ipk="4.50", sks_passed=40),  # 7: PIN-0 ipk
        student_line("2020002", prodi="99999"),  # 8: unknown prodi
        '{"kind": "semester", "nim": ',  # 9: broken JSON
        {k: v for k, v in semester_line("20202").items() if k != "sks_passed"},  # 10: missing field
        {"kind": "transcript", "nim": "2020001"},  # 11: unknown kind
        semester_line("20201", nim="2020999"),  # 12: student not registered
        semester_line("20202", ips=3.5),  # 13: a decimal as a JSON number
        student_line("2020003", nik="12345"),  # 14: PIN-0 nik, from the command
        semester_line("20202", sks_passed=40),  # 15
    )
    before = world.position()

    report = run(world, lines)

    assert {(e.line_number, e.rule_id, e.field) for e in report.errors} == {
        (7, "PIN-0", "ipk"),
        (8, "PIN-0", "prodi"),
        (9, "PIN-0", "line"),
        (10, "PIN-0", "sks_passed"),
        (11, "PIN-0", "kind"),
        (12, "PIN-0", "nim"),
        (13, "PIN-0", "ips"),
        (14, "PIN-0", "nik"),
    }
    assert (report.lines_read, report.applied, report.unchanged, report.failed) == (13, 5, 0, 8)
    assert world.position() - before == 5
    assert set(student(world, "2020001").reports) == {Period.parse("20201"), Period.parse("20202")}
    assert "99999" in next(e.message for e in report.errors if e.line_number == 8)


def test_a_university_feed_is_refused_for_another_university_line_by_line(world: World) -> None:
    world.university()
    world.university("009999", "Universitas Lain")
    world.programme()
    world.programme(university="009999")
    feed = Actor("siakad-001002", Role.PDDIKTI_SYNC, UNIVERSITY)

    report = run(world, jsonl(student_line("2020001"), student_line("2020002", university="009999")), actor=feed)

    assert [(e.line_number, e.rule_id, e.field) for e in report.errors] == [(2, NOT_AUTHORIZED, "university")]
    assert report.applied == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({**student_line(), "nim": 2020001}, "nim"),
        (student_line(entry_period="2020/1"), "entry_period"),
        (student_line(birth_date="04-03-2002"), "birth_date"),
        (student_line(nikk="3171234567890001"), "nikk"),
        (semester_line("20201", sks_taken="20"), "sks_taken"),
        (semester_line("20201", sks_taken=True), "sks_taken"),
        (semester_line("20201", sks_passed=10**20), "sks_passed"),
        (semester_line("20201", ipk="tiga"), "ipk"),
        (semester_line("20201", ipk="NaN"), "ipk"),
        (semester_line("20201", status="X"), "status"),
        ({**PROGRAMME_LINE, "level": "S9"}, "level"),
        ({**PROGRAMME_LINE, "accreditation": {"grade": "A", "valid_from": "2019-01-01"}}, "accreditation.valid_until"),
        ({**PROGRAMME_LINE, "accreditation": "A"}, "accreditation"),
        ('["university"]', "line"),
    ],
)
def test_PIN_0_parsing_names_the_missing_or_ill_typed_field(line: dict[str, Any] | str, field: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_line(jsonl(line)[0])
    assert [(f.rule_id, f.field) for f in refused.value.failures] == [("PIN-0", field)]


def test_PIN_0_parsing_reports_every_bad_field_of_a_line_at_once() -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_line('{"kind": "semester", "university": "001002", "period": "20201", "ips": 3.5}')
    fields = [f.field for f in refused.value.failures]
    assert fields == ["nim", "status", "sks_taken", "ips", "ipk", "sks_passed"]


# Corrections and provenance ---------------------------------------------------------------


def test_PIN_0_a_corrected_semester_report_later_in_the_file_supersedes_the_earlier_without_erasing_it(
    world: World,
) -> None:
    lines = jsonl(
        UNIVERSITY_LINE,
        PROGRAMME_LINE,
        student_line(),
        semester_line("20201", ipk="3.40", ips="3.40"),
        semester_line("20202", sks_passed=40),
        semester_line("20201"),  # the correction
    )

    first = run(world, lines)
    before = world.position()
    again = run(world, lines)

    assert (first.applied, first.errors) == (6, [])
    record = student(world, "2020001")
    assert record.reports[Period.parse("20201")].ipk == Decimal("3.50")
    history = [e for e in world.app.events.get(record.id) if isinstance(e, Student.SemesterReported)]
    assert [(e.report.period.code, str(e.report.ipk), e.supersedes) for e in history] == [
        ("20201", "3.40", False),
        ("20202", "3.50", False),
        ("20201", "3.50", True),
    ]
    assert world.position() == before and (again.applied, again.unchanged) == (0, 6)


def test_every_event_names_the_import_file_and_line_that_caused_it(world: World) -> None:
    lines = jsonl("# header", UNIVERSITY_LINE, PROGRAMME_LINE, student_line(), semester_line("20201"))

    run(world, lines, source="3f2a9c")

    events: list[Any] = list(world.app.events.get(Student.create_id(UNIVERSITY, "2020001")))
    assert [(e.cause.request_id, e.cause.actor) for e in events] == [
        ("pddikti:3f2a9c:4", SYNC),
        ("pddikti:3f2a9c:5", SYNC),
    ]
