"""PIN-0 at bulk speed (issue 8): the PDDIKTI import saves a chunk of lines per transaction and keeps every
promise it made line by line: bad lines reported, the rest applied, a rerun appends nothing, a concurrent
writer loses nothing, and a crash mid-file is completed by running the file again."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from application.registry import pddikti_import
from application.registry.pddikti_import import import_file, import_pddikti
from application.unit import Unit
from domain.registry.student import Student
from infra.bootstrap import bootstrap
from infra.demo_data import write_cohort
from infra.settings import Settings
from tests.application.test_pddikti_import import (
    PROGRAMME_LINE,
    SYNC,
    UNIVERSITY_LINE,
    rows_of,
    semester_line,
    student_line,
)
from tests.conftest import create_database, drop_database
from tests.signed_pdfs import pdf_signing_env
from tests.world import UNIVERSITY, World, cause, report


def cohort(tmp_path: Path, students: int = 5) -> Path:
    path = tmp_path / "cohort.jsonl"
    write_cohort(path, universities=1, programmes_per_university=2, students_per_programme=students, seed=11)
    return path


def test_a_file_is_saved_a_chunk_of_lines_per_transaction(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pddikti_import, "CHUNK", 40)
    path = cohort(tmp_path)
    lines = len(rows_of(path))
    saves: list[int] = []  # the events of each transaction (a unit's flush, or a command's group commit)
    insert = world.app.recorder.insert_events
    monkeypatch.setattr(
        world.app.recorder, "insert_events", lambda events, **kw: saves.append(len(events)) or insert(events, **kw)
    )
    if (bulk := world.app.bulk_events) is not None:  # PostgreSQL: a chunk is written by COPY (issue 35)
        copy = bulk.insert
        monkeypatch.setattr(bulk, "insert", lambda events: saves.append(len(events)) or copy(events))

    result = import_file(world.app, path, actor=SYNC)

    assert result.errors == [] and result.applied == lines
    # one transaction per chunk, not per line; then one for the import's own record (issue 32)
    assert len(saves) == math.ceil(lines / 40) + 1 and saves[-1] == 1
    assert result.last_position == world.position()


def test_a_chunk_that_meets_a_concurrent_writer_is_applied_line_by_line_and_loses_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another command changes a student of the chunk after the chunk read it and before it is saved."""
    world.university()
    world.programme()
    world.student("2020001")
    lines = [
        json.dumps(semester_line(p, nim="2020001", sks_passed=20 * i)) for i, p in enumerate(["20201", "20202"], 1)
    ]
    flush = world.app.flush

    def flush_after_a_rival(unit: Unit) -> int | None:
        rival = threading.Thread(target=lambda: world.report("2020001", report("20211", passed=60)))
        rival.start()  # its own thread: no unit there, a normal command with its own transaction
        rival.join()
        return flush(unit)

    monkeypatch.setattr(world.app, "flush", flush_after_a_rival)

    result = import_pddikti(world.app, lines, actor=SYNC, source="rival")

    assert (result.applied, result.unchanged, result.errors) == (2, 0, [])
    reports = world.app.repository.get(Student.create_id(UNIVERSITY, "2020001")).reports
    assert sorted(p.code for p in reports) == ["20201", "20202", "20211"]
    assert result.last_position == world.position()


def test_records_carried_to_the_next_chunk_are_never_trusted_over_a_rival_write(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A student saved by one chunk is kept for the next (issue 8); a rival write in between makes the next
    chunk's save fail on the student's version, and its lines apply again on the record as the store has it."""
    monkeypatch.setattr(pddikti_import, "CHUNK", 1)
    world.university()
    world.programme()
    world.student("2020001")
    lines = [
        json.dumps(semester_line(p, nim="2020001", sks_passed=20 * i)) for i, p in enumerate(["20201", "20202"], 1)
    ]
    batches = world.app.event_batches
    assert batches is not None
    read: list[set[UUID]] = []
    events_of = batches.events_of
    monkeypatch.setattr(batches, "events_of", lambda ids: read.append(set(ids)) or events_of(ids))
    flush, flushes = world.app.flush, []

    def second_flush_after_a_rival(unit: Unit) -> int | None:
        flushes.append(unit)
        if len(flushes) == 2:
            rival = threading.Thread(target=lambda: world.report("2020001", report("20211", passed=60)))
            rival.start()
            rival.join()
        return flush(unit)

    monkeypatch.setattr(world.app, "flush", second_flush_after_a_rival)

    result = import_pddikti(world.app, lines, actor=SYNC, source="carried")

    assert (result.applied, result.unchanged, result.errors) == (2, 0, [])
    reports = world.app.repository.get(Student.create_id(UNIVERSITY, "2020001")).reports
    assert sorted(p.code for p in reports) == ["20201", "20202", "20211"]
    student = Student.create_id(UNIVERSITY, "2020001")
    assert [student in ids for ids in read] == [True, False]  # the second chunk had it carried, not read


def test_PIN_0_a_bad_line_inside_a_chunk_is_reported_and_the_lines_around_it_apply(world: World) -> None:
    lines = [
        json.dumps(UNIVERSITY_LINE),
        json.dumps(PROGRAMME_LINE),
        json.dumps(student_line("2020001")),
        json.dumps(semester_line("20201", nim="2020001", sks_taken=99)),  # PIN-0: at most 60 sks a semester
        json.dumps(semester_line("20202", nim="2020001", sks_passed=40)),
        json.dumps(semester_line("20201", nim="2020009")),  # no such student
        json.dumps(student_line("2020002")),
    ]

    result = import_pddikti(world.app, lines, actor=SYNC, source="mixed")

    assert [(e.line_number, e.rule_id) for e in result.errors] == [(4, "PIN-0"), (6, "PIN-0")]
    assert (result.applied, result.unchanged) == (5, 0)
    assert sorted(p.code for p in world.app.repository.get(Student.create_id(UNIVERSITY, "2020001")).reports) == [
        "20202"
    ]
    again = import_pddikti(world.app, lines, actor=SYNC, source="mixed")
    assert (again.applied, again.unchanged, len(again.errors)) == (0, 5, 2)


def test_a_unit_is_unclean_when_an_aggregate_holds_an_event_no_command_committed(world: World) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    with world.app.unit() as unit:
        student = world.app.find(Student, Student.create_id(UNIVERSITY, "2020001"))
        assert student is not None and unit.clean()
        student.report_semester(report("20201"), world.app.today(), cause())  # decided, never committed
        assert not unit.clean()


# A crash mid-file -------------------------------------------------------------------------------

KREDENSIAL = [sys.executable, "-m", "infra.main"]


def environment(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "KREDENSIAL_DATA_DIR": str(data_dir),
        "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
        "KREDENSIAL_MASTER_KEY": "33" * 32,
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        "KREDENSIAL_PROJECTIONS_IN_PROCESS": "0",
    }
    if database_url:
        env["KREDENSIAL_DATABASE_URL"] = database_url
        env.update(pdf_signing_env(data_dir / "pki"))
    return env


def stored(env: dict[str, str]) -> tuple[Counter[tuple[str, int, str]], dict[str, list[str]]]:
    """Every stored event's (aggregate, version, topic), and every student's reported periods."""
    built = bootstrap(Settings.from_env(env))
    try:
        app = built.services.registry
        # The import's own record (issue 32) is an aggregate of each run: what the runs applied is compared
        events = Counter(
            (str(n.originator_id), n.originator_version, n.topic)
            for n in app.recorder.select_notifications(start=1, limit=1_000_000)
            if not n.topic.endswith("PddiktiImport.Recorded")
        )
        students = {
            originator: sorted(p.code for p in app.repository.get(UUID(originator)).reports)
            for originator, _, topic in events
            if topic.endswith("Student.Registered")
        }
        return events, students
    finally:
        built.close()


def event_count(env: dict[str, str]) -> int:
    if env.get("KREDENSIAL_DATABASE_URL"):
        with psycopg.connect(env["KREDENSIAL_DATABASE_URL"]) as db:
            try:
                row = db.execute("SELECT count(*) FROM diplomas_events").fetchone()
            except psycopg.errors.UndefinedTable:
                return 0
            return int(row[0]) if row else 0
    import sqlite3

    path = Path(env["KREDENSIAL_DATA_DIR"]) / "events.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM stored_events").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_import_killed_midway_and_run_again_ends_with_the_events_of_an_uninterrupted_one(
    store: str, tmp_path: Path
) -> None:
    path = cohort(tmp_path, students=200)  # chunks enough that the kill lands midway however fast the import runs
    urls = [create_database(), create_database()] if store == "postgres" else ["", ""]
    killed_env, whole_env = environment(tmp_path / "killed", urls[0]), environment(tmp_path / "whole", urls[1])
    try:
        subprocess.run([*KREDENSIAL, "import-pddikti", str(path)], env=whole_env, check=True, capture_output=True)
        expected = stored(whole_env)
        total = sum(expected[0].values())

        importing = subprocess.Popen(
            [*KREDENSIAL, "import-pddikti", str(path)],
            env=killed_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while event_count(killed_env) == 0 and time.monotonic() < deadline and importing.poll() is None:
            time.sleep(0.005)
        importing.send_signal(signal.SIGKILL)
        importing.wait(timeout=30)
        assert importing.returncode == -signal.SIGKILL
        after_kill = event_count(killed_env)
        assert 0 < after_kill < total, (after_kill, total)  # killed midway, between two chunks' transactions

        subprocess.run([*KREDENSIAL, "import-pddikti", str(path)], env=killed_env, check=True, capture_output=True)

        assert stored(killed_env) == expected
    finally:
        for url in urls:
            if url:
                drop_database(url)


def test_a_unit_preloads_many_aggregates_in_one_query_as_a_load_would_give_them(world: World) -> None:
    world.university()
    world.programme()
    for nim in ("2020001", "2020002"):
        world.student(nim)
        world.semesters(nim, 3)
    ids = [Student.create_id(UNIVERSITY, n) for n in ("2020001", "2020002", "9999999")]
    assert world.app.event_batches is not None
    queries: list[int] = []
    events_of = world.app.event_batches.events_of
    world.app.event_batches.events_of = lambda wanted: queries.append(len(wanted)) or events_of(wanted)  # type: ignore[method-assign]

    with world.app.unit() as unit:
        world.app.preload(ids)
        preloaded = dict(unit.seen)

    assert queries == [3]
    assert preloaded[ids[2]] is None  # never registered: found missing without another query
    for aggregate_id in ids[:2]:
        loaded = world.app.repository.get(aggregate_id)
        assert (preloaded[aggregate_id].version, preloaded[aggregate_id].reports) == (loaded.version, loaded.reports)
