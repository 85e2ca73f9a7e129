"""``import-pddikti --jobs N`` (issue 35): the file split by university across worker processes keeps every promise
of the serial import on PostgreSQL: the same events and read models, line errors with their rule ids (PIN-0), a rerun
appends nothing, and a worker killed mid-file loses nothing and duplicates nothing once the file runs again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.registry.pddikti_import import ImportReport
from infra.bootstrap import Container, bootstrap
from infra.bulk_import import import_file
from infra.demo_data import write_cohort
from infra.import_worker import import_worker
from infra.settings import Settings
from tests.application.test_bulk_import import KREDENSIAL, environment, event_count, stored
from tests.application.test_pddikti_import import SYNC
from tests.conftest import DatabasePool, create_database, drop_database
from tests.reliability.processes import read_models
from tests.signed_pdfs import pdf_signing_env
from tests.world import Clock


def interleaved_cohort(path: Path, universities: int = 3, students: int = 4) -> Path:
    """A generated cohort whose universities' lines alternate (each university's in its order), with bad lines."""
    write_cohort(path, universities=universities, programmes_per_university=2, students_per_programme=students, seed=5)
    blocks: list[list[str]] = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("{") and json.loads(line)["kind"] == "university":
            blocks.append([])
        if blocks and line.startswith("{"):
            blocks[-1].append(line)
    lines: list[str] = []
    for i in range(max(len(b) for b in blocks)):
        lines.extend(b[i] for b in blocks if i < len(b))
    university = json.loads(blocks[-1][0])["code"]
    bad = {
        7: '{"kind":"semester"',  # not JSON: names no university
        20: json.dumps({"kind": "student", "university": university, "nim": "2099", "prodi": "00000"}),
        33: json.dumps({"kind": "university", "code": "12", "name": "Too short"}),
    }
    for at, text in sorted(bad.items()):
        lines.insert(at, text)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def databases(database_pool: DatabasePool) -> Iterator[tuple[str, str]]:
    urls = (database_pool.take(), database_pool.take())
    yield urls
    for url in urls:
        database_pool.give_back(url)


def settings(tmp_path: Path, url: str) -> Settings:
    return Settings.from_env(
        {
            "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
            "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
            "KREDENSIAL_MASTER_KEY": "11" * 32,
            "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
            "KREDENSIAL_DATABASE_URL": url,
            **pdf_signing_env(tmp_path / "pki"),
        }
    )


def imported(
    tmp_path: Path, url: str, path: Path, jobs: int, clock: Clock, *, lean: bool = False
) -> tuple[ImportReport, Container]:
    """``lean``: the workers boot as the command line's do (``infra.import_worker``), else each a full runtime."""
    chosen = settings(tmp_path, url)
    workers = (lambda: import_worker(chosen, clock=clock)) if lean else None
    report = import_file(lambda: bootstrap(chosen, clock=clock), path, jobs=jobs, actor=SYNC, boot_worker=workers)
    return report, bootstrap(chosen, clock=clock)


def events(container: Container) -> Counter[tuple[str, int, str]]:
    """Every event's (aggregate, version, topic); a run's own record has an id of its own, so it is named alike."""
    app = container.services.registry
    return Counter(
        ("run" if n.topic.endswith("PddiktiImport.Recorded") else str(n.originator_id), n.originator_version, n.topic)
        for n in app.recorder.select_notifications(start=1, limit=1_000_000)
    )


IGNORED = {"notification_id", "import_id", "imported_at"}


def without_positions(models: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """Read models as they compare across two logs written in another order: every column but positions, and the
    import run's own id and time."""
    return {
        name: {
            table: sorted(
                repr({k: v for k, v in row.items() if "position" not in k and k not in IGNORED}) for row in rows
            )
            for table, rows in tables.items()
        }
        for name, tables in models.items()
    }


@pytest.mark.postgres
@pytest.mark.parametrize("lean", [False, True], ids=["full-runtime-workers", "import-workers"])
def test_a_file_imported_by_university_in_worker_processes_gives_the_serial_import_s_events_and_read_models(
    tmp_path: Path, databases: tuple[str, str], clock: Clock, lean: bool
) -> None:
    path = interleaved_cohort(tmp_path / "cohort.jsonl")
    serial, one = imported(tmp_path / "serial", databases[0], path, 1, clock)
    parallel, many = imported(tmp_path / "parallel", databases[1], path, 3, clock, lean=lean)
    try:
        assert events(many) == events(one) and sum(events(one).values()) > 100
        assert parallel.tallies == serial.tallies and len(parallel.tallies) == 4  # three universities, and none
        assert (parallel.lines_read, parallel.applied, parallel.unchanged) == (
            serial.lines_read,
            serial.applied,
            serial.unchanged,
        )
        # PIN-0: each bad line reported under its number and rule, the lines around it applied
        assert parallel.errors == serial.errors
        assert [(e.line_number, e.rule_id) for e in parallel.errors][:2] == [(8, "PIN-0"), (21, "PIN-0")]
        assert {e.line_number for e in parallel.errors} == {8, 21, 34}
        assert parallel.last_position == many.services.registry.recorder.max_notification_id()
        one.worker.catch_up()
        many.worker.catch_up()
        assert without_positions(read_models(many)) == without_positions(read_models(one))
    finally:
        one.close()
        many.close()


@pytest.mark.postgres
def test_a_parallel_rerun_appends_nothing_but_its_own_record(
    tmp_path: Path, databases: tuple[str, str], clock: Clock
) -> None:
    path = interleaved_cohort(tmp_path / "cohort.jsonl", universities=2)
    first, container = imported(tmp_path, databases[0], path, 2, clock)
    try:
        before = events(container)
        again, _ = imported(tmp_path, databases[0], path, 2, clock)
        after = events(container)
        assert (again.applied, again.unchanged) == (0, first.applied + first.unchanged)
        assert again.errors == first.errors
        assert after - before == Counter({k: 1 for k in after - before}) and len(after - before) == 1
        assert next(iter(after - before))[2].endswith("PddiktiImport.Recorded")  # the run's own record (issue 32)
    finally:
        container.close()


@pytest.mark.postgres
def test_a_file_of_one_university_or_none_is_imported_by_the_importer_alone(
    tmp_path: Path, databases: tuple[str, str], clock: Clock
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("# nothing to report\n", "utf-8")
    one = interleaved_cohort(tmp_path / "one.jsonl", universities=1, students=2)
    nothing, container = imported(tmp_path, databases[0], empty, 4, clock)
    container.close()
    report, container = imported(tmp_path, databases[0], one, 4, clock)
    try:
        assert (nothing.lines_read, nothing.tallies) == (0, ())
        assert report.applied > 0 and report.last_position == container.services.registry.recorder.max_notification_id()
    finally:
        container.close()


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


@pytest.mark.postgres
def test_a_worker_killed_mid_file_then_the_file_run_again_loses_nothing_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    path = interleaved_cohort(tmp_path / "cohort.jsonl", universities=3, students=150)  # each part chunks enough
    urls = [create_database(), create_database()]
    killed_env, whole_env = environment(tmp_path / "killed", urls[0]), environment(tmp_path / "whole", urls[1])
    run = [*KREDENSIAL, "import-pddikti", str(path), "--jobs", "3"]  # the first part in the importer, two workers
    try:
        subprocess.run(run, env=whole_env, check=False, capture_output=True)  # exit 1: the file has bad lines
        expected = stored(whole_env)
        total = sum(expected[0].values())

        importing = subprocess.Popen(run, env=killed_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while event_count(killed_env) == 0 and time.monotonic() < deadline and importing.poll() is None:
            time.sleep(0.005)
        workers = children(importing.pid)
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)  # one university's part, cut mid-file
        _, err = importing.communicate(timeout=60)
        assert importing.returncode == 1 and b"run the file again" in err, err
        after_kill = event_count(killed_env)
        assert 0 < after_kill < total, (after_kill, total)
        assert all(not Path(f"/proc/{w}").exists() or _zombie(w) for w in workers)  # no worker left writing

        subprocess.run(run, env=killed_env, check=False, capture_output=True)

        assert stored(killed_env) == expected
    finally:
        for url in urls:
            drop_database(url)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except FileNotFoundError:
        return True


def test_sqlite_imports_in_one_process_whatever_the_jobs(tmp_path: Path, clock: Clock) -> None:
    """SQLite takes one writer at a time: workers would only wait on its lock, so the import runs in this process."""
    path = interleaved_cohort(tmp_path / "cohort.jsonl", universities=2, students=2)
    chosen = Settings.from_env(
        {
            "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
            "KREDENSIAL_SECRET": "s" * 40,
            "KREDENSIAL_MASTER_KEY": "11" * 32,
        }
    )
    report = import_file(lambda: bootstrap(chosen, clock=clock), path, jobs=4, actor=SYNC)
    assert report.applied > 0 and {e.line_number for e in report.errors} == {8, 21, 34}
