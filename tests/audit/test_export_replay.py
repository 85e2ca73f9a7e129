"""Export and replay (issue 12, item 2), on both stores: every context's log exported as JSON Lines with a signed
manifest, replayed into a fresh database, and its read models found equal to the live ones; a changed export,
a partial one, or a live log that moved on is refused, and a read model that drifted is named."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.registry.student import Student
from infra.audit.export import manifest_path
from infra.bootstrap import Container
from infra.main import cli
from tests.assessment.lsp import Office
from tests.audit.test_api import container_like
from tests.equivalency.directorate import Directorate
from tests.submission.desk import Desk
from tests.world import ADMIN, UNIVERSITY, World


@pytest.fixture
def busy(world: World) -> World:
    """Events in all four logs, and an erased student."""
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.eligible_s1("2020002", name="Budi Santoso")  # erased below
    world.reserve("2020001")
    desk = Desk(world).catalog()
    submitted = desk.submit()
    desk.approve(submitted.submission_id)
    Office(world).setup().assessed()
    directorate = Directorate(world)
    receipt = directorate.register()
    directorate.complete(receipt)
    world.app.erase_personal_data(
        university_code=UNIVERSITY, nim="2020002", cause=replace(ADMIN, reason="the student asked")
    )
    world.project()
    return world


def run(container: Container, *args: str) -> tuple[int, str]:
    app = cli(lambda: container_like(container), serve_settings=lambda: ("127.0.0.1", 0, False))
    result = CliRunner().invoke(app, ["audit", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_an_export_of_every_log_replays_into_read_models_equal_to_the_live_ones(busy: World, tmp_path: Path) -> None:
    file = tmp_path / "log.jsonl"
    code, output = run(busy.container, "export", str(file))
    assert code == 0, output
    manifest = json.loads(manifest_path(file).read_text())
    assert set(manifest["logs"]) == {"diplomas", "submissions", "assessments", "equivalencies", "credentials", "shares"}
    assert (
        manifest["lines"] == sum(s["count"] for s in manifest["logs"].values()) == len(file.read_bytes().splitlines())
    )
    assert manifest["complete"] and manifest["signature"]
    code, output = run(busy.container, "replay", str(file))
    assert code == 0 and output.startswith("equal:"), output


def test_after_an_erasure_no_read_model_row_or_export_line_holds_the_person_s_data(busy: World, tmp_path: Path) -> None:
    """UU PDP (issue 12, item 6): the erased student's name is in no read-model table and no export line; the log
    still exports, replays to equal read models and verifies, and their records load with the data erased."""
    container = busy.container
    store = container.services.worker.store
    for projection in container.services.worker.projections.values():
        for table in projection.tables:
            rows = store.query(f"SELECT * FROM {table}")
            assert "Budi Santoso" not in repr(rows), table
    file = tmp_path / "log.jsonl"
    assert run(container, "export", str(file))[0] == 0
    assert b"Budi" not in file.read_bytes() and b"Siti" not in file.read_bytes()  # sealed, never in clear
    code, output = run(container, "replay", str(file))
    assert code == 0, output
    container.services.audit.chain.catch_up()
    assert run(container, "verify")[0] == 0
    student = container.services.registry.find(Student, Student.create_id(UNIVERSITY, "2020002"))
    assert student is not None and container.services.registry.sealer.unseal(student.personal) is None


def test_a_replay_names_the_first_read_model_that_differs(busy: World, tmp_path: Path) -> None:
    file = tmp_path / "log.jsonl"
    assert run(busy.container, "export", str(file))[0] == 0
    with busy.container.services.worker.store.transaction() as tx:  # a read model drifted from its events
        tx.execute("UPDATE sub_submissions SET status = 'REJECTED'")
    code, output = run(busy.container, "replay", str(file))
    assert code == 1 and "submissions: table sub_submissions" in output and "status" in output, output


def test_a_changed_partial_or_stale_export_is_refused(busy: World, tmp_path: Path) -> None:
    file = tmp_path / "log.jsonl"
    assert run(busy.container, "export", str(file))[0] == 0
    lines = file.read_bytes().splitlines()
    file.write_bytes(b"\n".join(lines[:-1]) + b"\n")  # one event dropped
    code, output = run(busy.container, "replay", str(file))
    assert code == 2 and "SHA-256" in output, output

    partial = tmp_path / "one.jsonl"
    student = str(Student.create_id(UNIVERSITY, "2020001"))
    assert run(busy.container, "export", str(partial), "--aggregate", student)[0] == 0
    exported = [json.loads(line) for line in partial.read_bytes().splitlines()]
    assert exported and {e["aggregateId"] for e in exported} == {student}
    code, output = run(busy.container, "replay", str(partial))
    assert code == 2 and "partial" in output, output

    fresh = tmp_path / "fresh.jsonl"
    assert run(busy.container, "export", str(fresh))[0] == 0
    busy.student("2020009")  # the live log moves on after the export
    code, output = run(busy.container, "replay", str(fresh))
    assert code == 2 and "moved on" in output, output


def test_an_export_by_log_and_time_holds_only_those_events(busy: World, tmp_path: Path) -> None:
    file = tmp_path / "range.jsonl"
    code, _ = run(busy.container, "export", str(file), "--log", "submissions")
    assert code == 0
    assert {json.loads(line)["log"] for line in file.read_bytes().splitlines()} == {"submissions"}
    future = (busy.container.services.diploma.commands.clock() + timedelta(days=3650)).isoformat()
    code, _ = run(busy.container, "export", str(file), "--since", future)
    assert code == 0 and file.read_bytes() == b""
    assert run(busy.container, "export", str(file), "--log", "nope")[0] == 2
    assert run(busy.container, "export", str(file), "--since", "2026-01-01T00:00:00")[0] == 2  # no zone
